import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockPathOf, tryStartLock } from '../../../src/core/persist/start-lock';

const test = suite('core/persist/start-lock');
const dir = mkdtempSync(join(tmpdir(), 'nos-lock-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => lockPathOf(join(dir, `p-${++n}`));
/** A pid that no process has: one that just exited. */
const deadPid = (): number => spawnSync('true').pid!;

test('one holder at a time: the second attempt sees the holder; release frees it', () => {
  const lock = fresh();
  const first = tryStartLock(lock);
  assert.ok(first.held);
  assert.match(readFileSync(lock, 'utf8'), new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
  const second = tryStartLock(lock);
  assert.equal(second, { held: false, holder: process.pid });
  if (first.held) first.release();
  assert.not.ok(existsSync(lock));
  const third = tryStartLock(lock);
  assert.ok(third.held);
  if (third.held) third.release();
});

test('a lock whose process is gone is broken, then taken by the next attempt', () => {
  const lock = fresh();
  writeFileSync(lock, `${deadPid()}\n`);
  assert.equal(tryStartLock(lock), { held: false, holder: undefined });
  assert.not.ok(existsSync(lock));
  const next = tryStartLock(lock);
  assert.ok(next.held);
  if (next.held) next.release();
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith('.break')),
    [],
    'no breaker claim left',
  );
});

test('breakers take turns: while another one breaks (a young .break), the stale lock is left to it', () => {
  const lock = fresh();
  writeFileSync(lock, `${deadPid()}\n`);
  writeFileSync(`${lock}.break`, '');
  assert.equal(tryStartLock(lock), { held: false, holder: undefined });
  assert.ok(existsSync(lock), 'not broken twice');
  const old = new Date(Date.now() - 60_000);
  utimesSync(`${lock}.break`, old, old); // that breaker died mid-break
  tryStartLock(lock); // removes the abandoned claim
  tryStartLock(lock); // breaks the lock
  assert.not.ok(existsSync(lock));
  assert.not.ok(existsSync(`${lock}.break`));
});

test('a lock of a live process is respected (even one of another user: pid 1)', () => {
  const lock = fresh();
  writeFileSync(lock, '1\n');
  assert.equal(tryStartLock(lock), { held: false, holder: 1 });
  assert.ok(existsSync(lock));
});

test('an empty lock is being written: respected while young, broken once old', () => {
  const lock = fresh();
  writeFileSync(lock, '');
  assert.equal(tryStartLock(lock), { held: false, holder: undefined });
  assert.ok(existsSync(lock));
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  tryStartLock(lock);
  assert.not.ok(existsSync(lock));
});

test('a lock older than any start is stale whatever its pid (a reused pid)', () => {
  const lock = fresh();
  writeFileSync(lock, '1\n');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(lock, old, old);
  tryStartLock(lock);
  assert.not.ok(existsSync(lock));
});

test("release never removes a newer holder's lock", () => {
  const lock = fresh();
  const mine = tryStartLock(lock);
  assert.ok(mine.held);
  rmSync(lock); // broken by someone who judged it stale, and taken again (here: by this very process)
  const theirs = tryStartLock(lock);
  assert.ok(theirs.held);
  if (mine.held) mine.release();
  assert.ok(existsSync(lock), 'the newer lock is still there');
  if (theirs.held) theirs.release();
  assert.not.ok(existsSync(lock));
});

test.run();
