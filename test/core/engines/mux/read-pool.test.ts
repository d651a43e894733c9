import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameParser } from '../../../../src/core/engines/mux/codec';
import { ReadPool } from '../../../../src/core/engines/mux/read-pool';

const test = suite('core/engines/mux/read-pool');

test('a handled read goes back for reuse', () => {
  const pool = new ReadPool(1024);
  const a = pool.next();
  pool.filledBy(a, 1024);
  pool.done(a, () => false);
  assert.is(pool.next(), a);
});

test('a buffer a consumer may keep is never reused', () => {
  const pool = new ReadPool(1024);
  const a = pool.next();
  pool.filledBy(a, 1000);
  const given = pool.own(a.subarray(10, 900));
  assert.is(given.buffer, a.buffer, 'a well-filled read is given as a view, not copied');
  pool.done(a, () => false);
  assert.is.not(pool.next(), a);
});

test('a small read is copied when given away, so its buffer stays in the pool', () => {
  const pool = new ReadPool(1024);
  const a = pool.next();
  a.write('hello', 0);
  pool.filledBy(a, 5);
  const given = pool.own(a.subarray(0, 5));
  assert.is.not(given.buffer, a.buffer);
  assert.is(given.toString(), 'hello');
  pool.done(a, () => false);
  assert.is(pool.next(), a);
});

test('a buffer the frame parser still holds part of a frame in waits until it is released', () => {
  const pool = new ReadPool(64);
  const parser = new FrameParser();
  const holds = (b: ArrayBufferLike) => parser.holds(b);
  const frames: string[] = [];
  const a = pool.next();
  a.writeUInt32BE(6, 0);
  a.write('abc', 4);
  pool.filledBy(a, 7);
  parser.push(a.subarray(0, 7), (f) => frames.push(f.toString()));
  pool.done(a, holds);
  const b = pool.next();
  assert.is.not(b, a, 'the half frame in `a` must survive the next read');
  b.write('def', 0);
  pool.filledBy(b, 3);
  parser.push(b.subarray(0, 3), (f) => frames.push(f.toString()));
  pool.done(b, holds);
  assert.equal(frames, ['abcdef']);
  const reused = [pool.next(), pool.next()];
  assert.ok(reused.includes(a) && reused.includes(b), 'both come back once the frame is out');
});

test('views of buffers it never gave out are passed through', () => {
  const pool = new ReadPool(64);
  const fresh = Buffer.from('x');
  assert.is(pool.own(fresh), fresh);
});

test.run();
