// The loop-aware timer (src/core/loop-aware-timer.ts): restart() starts the count over without touching timers,
// cancel() stops it, and time in which the loop was blocked is not counted. Only lower bounds are asserted (a
// timer may fire late on a busy machine, never early).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { performance } from 'node:perf_hooks';
import { judgingTimeout } from '../../src/core/loop-aware-timer';
import { noHang, strict } from '../helpers/setup';

strict();
const test = suite('core/loop-aware-timer');

const fired = (ms: number, during?: (t: ReturnType<typeof judgingTimeout>) => void): Promise<number> =>
  new Promise((resolve) => {
    const t = judgingTimeout(ms, () => resolve(performance.now()));
    during?.(t);
  });

test('restart() counts the whole time again from the restart', async () => {
  let restartedAt = 0;
  const at = await noHang(
    fired(200, (t) => {
      setTimeout(() => {
        restartedAt = performance.now();
        t.restart();
      }, 150);
    }),
    'timer',
  );
  assert.ok(restartedAt > 0, 'restarted before it fired');
  assert.ok(at - restartedAt >= 195, `fired ${(at - restartedAt).toFixed(0)} ms after the restart, not 200`);
});

test('time the loop was blocked is not counted; cancel() means never', async () => {
  const start = performance.now();
  const p = fired(300);
  const end = Date.now() + 600;
  while (Date.now() < end) {
    // block the loop twice the timeout: without the stall left out it would fire right after, at ~600 ms
  }
  const at = await noHang(p, 'timer');
  assert.ok(at - start >= 700, `fired ${(at - start).toFixed(0)} ms after start: the stall was counted`);
  let called = false;
  const t = judgingTimeout(50, () => {
    called = true;
  });
  t.cancel();
  t.restart(); // after cancel: nothing
  await new Promise((r) => setTimeout(r, 150));
  assert.not.ok(called);
});

test.run();
