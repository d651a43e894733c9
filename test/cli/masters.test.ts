// `net-openssh run --persist` and `net-openssh masters [--stop]` as a user runs them: the second run
// finds the first run's masters, `masters` lists them, `--stop` ends them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { OpenSSH } from '../../src/index';
import { isAlive } from '../../src/core/persist/process-alive';
import { sharedSshd } from '../fixtures/sshd';
import { strict } from '../helpers/setup';
import { cliHosts, GOOD, runCli, type CliHosts } from './cli-harness';

strict();
const f = await sharedSshd();
const test = suite('cli: net-openssh masters and run --persist');
let h: CliHosts;
const HOSTS = GOOD.slice(0, 2);
const ctlDir = () => join(h.dir, '.net-openssh'); // the CLI's default ctlDir under the test HOME

interface Listed {
  destination: string;
  pid: number;
  ageSeconds: number;
  persistSeconds: number;
  ctlPath: string;
  stopped?: true;
}
const listed = (stdout: string): Listed[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Listed);

test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(async () => {
  if (!h) return;
  await OpenSSH.stopPersistentMasters({ ctlDir: ctlDir() });
  h.cleanup();
});

test('run --persist keeps one master per host for the next run, which reuses them; masters lists them', async () => {
  if (!f) return;
  const run = () => runCli(['run', ...h.args, '--persist', '5m', '-H', HOSTS.join(','), '--', 'echo', 'hi'], h.env());
  const first = await run();
  assert.is(first.code, 0, first.stderr);
  const before = await runCli(['masters', '--json'], h.env());
  assert.is(before.code, 0, before.stderr);
  const masters = listed(before.stdout);
  assert.is(masters.length, HOSTS.length, before.stdout);
  for (const m of masters) {
    assert.ok(isAlive(m.pid), 'the masters outlived the run');
    assert.is(m.persistSeconds, 300);
    assert.ok(HOSTS.includes(m.destination), m.destination);
  }
  const second = await run();
  assert.is(second.code, 0, second.stderr);
  assert.equal(
    second.stdout.split('\n').filter(Boolean).sort(),
    HOSTS.map((x) => `${x} | hi`),
  );
  const after = listed((await runCli(['masters', '--json'], h.env())).stdout);
  assert.equal(
    after.map((m) => m.pid).sort(),
    masters.map((m) => m.pid).sort(),
    'the second run used the same masters',
  );
  const table = await runCli(['masters'], h.env());
  assert.match(table.stdout, /^DESTINATION +PID +AGE +PERSIST +CONTROL PATH$/m);
  for (const m of masters)
    assert.match(table.stdout, new RegExp(`^${m.destination} +${m.pid} +.* 5m00s +${m.ctlPath}$`, 'm'));
});

test('masters --stop ends them all; then there is nothing to list', async () => {
  if (!f) return;
  const masters = listed((await runCli(['masters', '--json'], h.env())).stdout);
  assert.ok(masters.length > 0, 'masters left by the previous test');
  const r = await runCli(['masters', '--stop', '--json'], h.env());
  assert.is(r.code, 0, r.stderr);
  const stopped = listed(r.stdout);
  assert.equal(stopped.map((m) => m.pid).sort(), masters.map((m) => m.pid).sort());
  assert.ok(stopped.every((m) => m.stopped === true));
  for (const m of masters) assert.not.ok(isAlive(m.pid), `master ${m.pid} is gone`);
  const none = await runCli(['masters'], h.env());
  assert.is(none.code, 0);
  assert.is(none.stdout, '');
  assert.match(none.stderr, /^no persistent masters$/m);
});

test('a bad --persist is a usage error before anything connects', async () => {
  if (!f) return;
  const r = await runCli(['run', ...h.args, '--persist', 'soon', '-H', HOSTS[0]!, '--', 'true'], h.env());
  assert.is(r.code, 2);
  assert.match(r.stderr, /--persist <duration>.*invalid/);
});

test.run();
