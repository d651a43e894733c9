// A process whose event loop has nothing else to wake it: a master start queued from a timer callback runs, and so
// does a command's timeout. Both were put off with an unref'd setImmediate, which Node runs only once something else
// wakes the loop's poll: a README run of the suite hung in waitForMaster() for 20 minutes (a test started from the
// timer of the test before it), and a script's master started seconds late. First the library's scheduling alone
// (test/fixtures/quiet-loop-timers.ts), then a whole script (test/fixtures/quiet-loop-client.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { sharedSshd } from '../fixtures/sshd';
import { ENGINES } from '../helpers/engines';
import { alive } from '../helpers/processes';
import { eventually, strict } from '../helpers/setup';
import { runScript } from '../helpers/child-script';

strict();
const f = await sharedSshd();
const CLIENT = fileURLToPath(new URL('../fixtures/quiet-loop-client.ts', import.meta.url));
const TIMERS = fileURLToPath(new URL('../fixtures/quiet-loop-timers.ts', import.meta.url));
/** Hang guard: the scripts need a second or two; one still running after this long is stuck, and killed. */
const HANG_MS = 20_000;

interface Step {
  step: string;
  pid?: number;
  code?: string;
  out?: string;
}

const alone = suite('e2e: a quiet event loop (the scheduling alone)');
alone('a start queued and a timeout armed from timer callbacks run with nothing else to wake the loop', async () => {
  const r = await runScript(TIMERS, [], HANG_MS);
  assert.is(
    r.stdout,
    'paced start ran\njudging timeout fired\n',
    `killed after ${HANG_MS / 1000} s: ${r.hung}; ${r.stderr}`,
  );
  assert.not.ok(r.hung);
});
alone.run();

for (const engine of ENGINES) {
  const test = suite(`e2e: a quiet event loop (${engine} engine)`);
  if (!f) {
    test.run();
    continue;
  }

  test('a master started from a timer comes up, and a timeout fires on a silent command', async () => {
    const job = { destination: f.destination, options: f.options({ engine }) };
    const r = await runScript(CLIENT, [JSON.stringify(job)], HANG_MS);
    const steps = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Step);
    const pid = steps.find((s) => s.step === 'ready')?.pid;
    try {
      assert.ok(pid, `waitForMaster() never settled (the child was killed: ${r.hung}); stderr: ${r.stderr}`);
      const timeout = steps.find((s) => s.step === 'timeout');
      assert.ok(timeout, `the capture with a timeout never settled; stderr: ${r.stderr}`);
      assert.equal(timeout, { step: 'timeout', code: 'OSSH_SLAVE_TIMEOUT' }, 'the 1 s timeout did not fire');
      assert.ok(
        steps.some((s) => s.step === 'end'),
        `no end; stderr: ${r.stderr}`,
      );
      assert.not.ok(r.hung);
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGTERM'); // the master of our killed child
      if (pid) await eventually(() => !alive(pid));
    }
  });

  test.run();
}
