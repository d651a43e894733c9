// `net-openssh run` with Net::OpenSSH::Parallel's policies: --retries / --retry-delay, --on-error abort and
// --budget act, each host still ends once, and the summary (table notes, or --json "policies") says which acted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedSshd } from '../fixtures/sshd';
import { strict } from '../helpers/setup';
import { cliHosts, HOST_CMD, runCli, summaryRows, type CliHosts, type JsonEvent } from './cli-harness';

strict();
const f = await sharedSshd();
const test = suite('cli: run policies');
let h: CliHosts;

test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(() => h?.cleanup());

test('--retries and --on-error abort: every host ends once, the summary says both acted', async () => {
  if (!f) return;
  const r = await runCli(
    [
      'run',
      ...h.args,
      '--json',
      '--retries',
      '1',
      '--retry-delay',
      '0.2',
      '--on-error',
      'abort',
      '-H',
      'web1,web2,web3,db1,down1',
      '--',
      // db1 (127.0.0.9) sleeps before its failing HOST_CMD: down1 (refused at once, then once more after 0.2 s)
      // is the one that fails and aborts the run. Were db1 to fail first, the abort would end down1 before its
      // retry: the order must not hang on how fast a connection is made.
      `[ "\${SSH_CONNECTION%% *}" = 127.0.0.9 ] && sleep 30; ${HOST_CMD}; sleep 30`,
    ],
    h.env(),
  );
  assert.is(r.code, 1, r.stderr);
  const events = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonEvent & Record<string, unknown>);
  const ends = events.filter((e) => e.type === 'end');
  assert.equal(ends.map((e) => e.host).sort(), ['db1', 'down1', 'web1', 'web2', 'web3'], 'one end per host');
  const downEnd = ends.find((e) => e.host === 'down1')!;
  assert.is(downEnd.attempts, 2);
  const summary = events.at(-1)!;
  assert.is(summary.type, 'summary');
  const policies = summary.policies as string[];
  assert.is(policies[0], 'retried 1 host (0 connected)');
  // down1 fails after its retry; the sleeps (db1's included) never finish
  assert.match(policies[1]!, /^aborted after down1 failed \(\d hosts? ended or not run\)$/);
  for (const e of ends.filter((x) => x.abortedAfter !== undefined))
    assert.is((e.error as { code: string }).code, 'OSSH_ABORTED');
  assert.ok(
    ends.filter((e) => e.host.startsWith('web')).every((e) => e.abortedAfter !== undefined),
    'the sleeping hosts were aborted',
  );
});

test('--budget: a host that takes too long is ended, the table says so and the note names the policy', async () => {
  if (!f) return;
  const cmd = 'if [ "${SSH_CONNECTION%% *}" = 127.0.0.3 ]; then sleep 30; fi; echo done';
  const [r, bad] = await Promise.all([
    runCli(['run', ...h.args, '--budget', '1s', '-H', 'web1,web2', '--', cmd], h.env()),
    runCli(['run', ...h.args, '--on-error', 'stop', '-H', 'web1', '--', 'true'], h.env()),
  ]);
  assert.is(r.code, 1, r.stderr);
  const rows = summaryRows(r.stderr);
  assert.is(rows.web1?.[0], '0');
  assert.match(rows.web2![2]!, /^OSSH_SLAVE_TIMEOUT: .*over the time budget of 1 s/);
  assert.match(r.stderr, /\n1 host over the time budget\n/);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--on-error.*expected one of continue, abort/);
});

test.run();
