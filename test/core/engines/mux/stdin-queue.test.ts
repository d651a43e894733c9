// A channel's stdin cut into DATA payloads: full packets across writes, the tail of a cut write held until the next
// write, the end of stdin or the next turn of the loop; a write that fits in one packet never held.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StdinQueue, type Payload } from '../../../../src/core/engines/mux/stdin-queue';

const test = suite('core/engines/mux/stdin-queue');

const PACKET = 32 * 1024 - 10; // what the engine sends per packet to an OpenSSH server (sendChunkFor)
const WINDOW = 2 * 1024 * 1024;
const turn = () => new Promise((r) => setImmediate(r));

/** A queue, the payloads it gave, and how many writes completed. */
const harness = () => {
  const sent: Buffer[] = [];
  let completed = 0;
  let resumed = 0;
  const q = new StdinQueue(() => {
    resumed++;
    drain(false);
  });
  const drain = (ending: boolean) => {
    for (let p: Payload | undefined; (p = q.take(WINDOW, PACKET, ending)); ) {
      if (p.size > 0) sent.push(Buffer.concat(p.parts));
      assert.is(
        p.parts.reduce((n, b) => n + b.length, 0),
        p.size,
      );
      for (const cb of p.done) {
        cb();
        completed++;
      }
    }
  };
  const write = (data: Buffer) => {
    q.push(data, () => {});
    drain(false);
  };
  return { q, sent, write, drain, completed: () => completed, resumed: () => resumed };
};

test('64 KiB writes go out in full packets: the tail of one rides with the next', async () => {
  const h = harness();
  const data = randomBytes(8 * 64 * 1024);
  for (let at = 0; at < data.length; at += 64 * 1024) h.write(data.subarray(at, at + 64 * 1024));
  assert.is(h.completed(), 8, 'every write completed (a held tail is a copy)');
  assert.ok(
    h.sent.every((p) => p.length === PACKET),
    `all full so far: ${h.sent.map((p) => p.length)}`,
  );
  h.drain(true); // stdin ends: the last tail goes at once
  assert.ok(Buffer.concat(h.sent).equals(data), 'the bytes, in order');
  assert.is(h.sent.length, Math.ceil(data.length / PACKET), 'no packet more than the bytes need');
  await turn();
  assert.is(h.resumed(), 0, 'nothing left to resume');
});

test('a held tail goes out when the loop turns with nothing behind it', async () => {
  const h = harness();
  const data = randomBytes(PACKET + 100);
  h.write(data);
  assert.equal(
    h.sent.map((p) => p.length),
    [PACKET],
  );
  assert.is(h.completed(), 1);
  await turn();
  assert.is(h.resumed(), 1);
  assert.ok(Buffer.concat(h.sent).equals(data));
  assert.ok(h.q.empty);
});

test("a held tail is a copy: the writer may reuse its buffer once the write's callback ran", () => {
  const h = harness();
  const buf = Buffer.alloc(PACKET + 5, 'a');
  h.write(buf);
  buf.fill('b');
  h.write(Buffer.from('cc'));
  h.drain(true);
  assert.is(Buffer.concat(h.sent).toString('latin1', PACKET), 'aaaaacc');
});

test('a write that fits in one packet is never held: what a user types goes out at once', () => {
  const h = harness();
  h.write(Buffer.from('ls\n'));
  assert.equal(
    h.sent.map((p) => p.toString()),
    ['ls\n'],
  );
  assert.ok(h.q.empty);
});

test('the window limits a payload, and nothing is held beyond it', () => {
  const q = new StdinQueue(() => {});
  q.push(randomBytes(64 * 1024), () => {});
  const p = q.take(1000, PACKET, false)!;
  assert.is(p.size, 1000);
  assert.is(p.done.length, 0, 'the write is not complete');
  const rest = q.take(WINDOW, PACKET, false)!;
  assert.is(rest.size, PACKET);
  q.clear();
});

test('clear() gives back every callback and drops the held tail; nothing resumes later', async () => {
  let resumed = 0;
  const q = new StdinQueue(() => resumed++);
  q.push(randomBytes(PACKET + 7), () => {});
  q.take(WINDOW, PACKET, false); // one packet
  assert.is(q.take(WINDOW, PACKET, false)!.size, 0, 'the tail held');
  q.push(Buffer.alloc(PACKET * 2), () => {});
  q.push(Buffer.alloc(1), () => {});
  assert.is(q.clear().length, 2);
  assert.ok(q.empty);
  await turn();
  assert.is(resumed, 0);
});

test.run();
