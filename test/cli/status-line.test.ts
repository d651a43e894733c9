// The status line of `net-openssh run` in a terminal under a flood of output: drawn again once per burst of
// lines (a read from a host), not under every line, and the output itself unharmed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedSshd } from '../fixtures/sshd';
import { requirePrereq } from '../helpers/prereq';
import { strict } from '../helpers/setup';
import { cliHosts, GOOD, hasPty, runCliPty, screen, type CliHosts } from './cli-harness';

strict();
const f = await sharedSshd();
const pty = f ? requirePrereq(await hasPty(), 'node-pty (optional dependency) for the terminal tests') : false;
const test = suite('cli: the status line under a flood of output');
const LINES = 2000;
let h: CliHosts;

test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(() => h?.cleanup());

test(
  `${GOOD.length} hosts printing ${LINES} lines each: every line on screen once, in order; ` +
    'the status line drawn once per burst, not under every line',
  async () => {
    if (!f || !pty) return;
    const r = await runCliPty(
      ['run', ...h.args, '-H', GOOD.join(','), '--', `seq 1 ${LINES}`],
      h.env({ NO_COLOR: '1' }),
    );
    assert.is(r.code, 0, r.output.slice(-2000));
    const text = screen(r.output);
    const numbers = Array.from({ length: LINES }, (_, i) => String(i + 1));
    for (const host of GOOD) {
      const mine = text
        .split('\n')
        .filter((l) => l.startsWith(`${host} | `))
        .map((l) => l.slice(`${host} | `.length));
      assert.equal(mine, numbers, `${host}'s lines, each once and in order, none mixed with the status line`);
    }
    const draws = r.output.match(/\[\d\/3 done/g)?.length ?? 0;
    assert.ok(draws > 0, 'the status line was drawn');
    // drawn under every line, it would be drawn at least once per line: 6000 times
    const total = LINES * GOOD.length;
    assert.ok(draws < total / 10, `the status line drawn ${draws} times for ${total} lines of output`);
    assert.not.match(text, /\[\d\/3 done/, 'gone from the screen at the end');
    assert.match(text, /\n3 ok, 0 failed, 3 hosts, /);
    console.log(`    status line drawn ${draws} times for ${total} lines`);
  },
);

test.run();
