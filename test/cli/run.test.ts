// `net-openssh run` as a user runs it: a spawned process against the test sshd seen as five hosts
// (three good, db1 whose command fails, down1 unreachable), through pipes and in a pseudo-terminal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedSshd } from '../fixtures/sshd';
import { requirePrereq } from '../helpers/prereq';
import { alive } from '../helpers/processes';
import { eventually, noHang, strict } from '../helpers/setup';
import {
  cliHosts,
  DOWN,
  FAILING,
  GOOD,
  hasPty,
  HOST_CMD,
  plain,
  runCli,
  runCliPty,
  screen,
  startCli,
  summaryRows,
  type CliHosts,
  type JsonEvent,
} from './cli-harness';

strict();
const f = await sharedSshd();
const pty = f ? requirePrereq(await hasPty(), 'node-pty (optional dependency) for the terminal tests') : false;
const test = suite('cli: net-openssh run');
const ALL = [...GOOD, FAILING, DOWN];
const FROM: Record<string, string> = { web1: '127.0.0.2', web2: '127.0.0.3', web3: '127.0.0.4', db1: '127.0.0.9' };
let h: CliHosts;

test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(() => h?.cleanup());

test(
  'merged output behind host prefixes, failures as lines, the ' +
    'summary table, exit 1 (pipes: no colour, no status line)',
  async () => {
    if (!f) return;
    const r = await runCli(['run', ...h.args, '-H', ALL.join(','), '--', HOST_CMD], h.env());
    assert.is(r.code, 1, r.stderr);
    const out = r.stdout.split('\n').filter(Boolean);
    for (const host of [...GOOD, FAILING]) {
      const mine = out.filter((l) => l.startsWith(`${host.padEnd(5)} | `));
      assert.equal(
        mine,
        [`${host.padEnd(5)} | one from ${FROM[host]}`, `${host.padEnd(5)} | two from ${FROM[host]}`],
        `${host}'s lines, in order`,
      );
    }
    assert.is(out.length, 8, "stdout holds the hosts' output lines only");
    assert.not.match(r.stdout + r.stderr, /\x1b\[/, 'no escape sequences in pipes');
    assert.ok(r.stderr.includes('db1   ! db1 fails'), 'remote stderr goes to stderr, marked !');
    assert.match(r.stderr, /down1 ! failed: OSSH_MASTER_FAILED: .*Connection refused/);
    assert.not.match(r.stderr, /done\]|running:/, 'no status line outside a terminal');
    const rows = summaryRows(r.stderr);
    assert.equal(Object.keys(rows), ALL, 'one row per host, in the order given');
    for (const g of GOOD) assert.equal(rows[g]!.slice(0, 1), ['0']);
    assert.equal(rows.db1![0], '3');
    assert.equal(rows.down1!.slice(0, 2), ['-', '-']);
    assert.match(rows.down1![2]!, /^OSSH_MASTER_FAILED: /);
    assert.match(r.stderr, /\n3 ok, 2 failed, 5 hosts, /);
  },
);

test('a hosts file with comments and blank lines; -H and -h together; exit 0 when every host succeeds', async () => {
  if (!f) return;
  const file = join(h.dir, 'hosts');
  writeFileSync(file, '# web servers\nweb1\n\n   web2   # the second one\n# db1 is not listed: it must not run\n\n');
  const r = await runCli(
    ['run', ...h.args, '-h', file, '-H', 'web3', '--', 'echo ok from ${SSH_CONNECTION%% *}'],
    h.env(),
  );
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter(Boolean).sort(), [
    'web1 | ok from 127.0.0.2',
    'web2 | ok from 127.0.0.3',
    'web3 | ok from 127.0.0.4',
  ]);
  assert.equal(Object.keys(summaryRows(r.stderr)), ['web3', 'web1', 'web2']);
  assert.match(r.stderr, /3 ok, 0 failed, 3 hosts/);
});

test(
  '--json: one parseable object per line on stdout, nothing ' + 'else anywhere; an end per host; the summary last',
  async () => {
    if (!f) return;
    const r = await runCli(['run', ...h.args, '--json', '-H', ALL.join(','), '--', HOST_CMD], h.env());
    assert.is(r.code, 1);
    assert.is(r.stderr, '', 'nothing on stderr');
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonEvent);
    const ends = events.filter((e) => e.type === 'end');
    assert.equal(ends.map((e) => e.host).sort(), [...ALL].sort(), 'one end per host');
    const end = (host: string) => ends.find((e) => e.host === host)!;
    assert.equal([end('web1').ok, end('web1').exitCode], [true, 0]);
    assert.equal([end('db1').ok, end('db1').exitCode, end('db1').error.code], [false, 3, 'OSSH_SLAVE_CMD_FAILED']);
    assert.equal([end('down1').exitCode, end('down1').error.code], [null, 'OSSH_MASTER_FAILED']);
    const lines = events.filter((e) => e.type === 'line');
    assert.ok(lines.some((e) => e.host === 'web2' && e.stream === 'stdout' && e.line === 'two from 127.0.0.3'));
    assert.ok(lines.some((e) => e.host === 'db1' && e.stream === 'stderr' && e.line === 'db1 fails'));
    assert.ok(
      events.some(
        (e) =>
          e.type === 'state' && e.host === 'down1' && e.state === 'failed' && e.error.code === 'OSSH_MASTER_FAILED',
      ),
    );
    // a host's lines come before its end
    for (const host of GOOD)
      assert.ok(events.findIndex((e) => e.type === 'line' && e.host === host) < events.indexOf(end(host)));
    assert.equal(events.at(-1), {
      type: 'summary',
      ok: 3,
      failed: 2,
      hosts: 5,
      durationMs: events.at(-1)!.durationMs,
      interrupted: false,
      policies: [],
    });
  },
);

test(
  '--group in a terminal: each host a contiguous block under ' +
    'its header; coloured names; a status line while pending',
  async () => {
    if (!f || !pty) return;
    // the hosts' lines interleave in time: web1 prints, sleeps while the others print, prints again
    const cmd = 'a=${SSH_CONNECTION%% *}; echo "first $a"; sleep 0.${a##*.}; echo "second $a"';
    const r = await runCliPty(['run', ...h.args, '--group', '-H', [...GOOD, FAILING].join(','), '--', cmd], h.env());
    assert.is(r.code, 0, r.output);
    const text = screen(r.output);
    for (const host of [...GOOD, FAILING])
      assert.match(
        text,
        new RegExp(`== ${host}: ok \\([\\d.]+ s\\) ==\\nfirst ${FROM[host]}\\nsecond ${FROM[host]}\\n`),
        `${host}'s block`,
      );
    assert.match(r.output, /\x1b\[3\dm== web1: ok/, 'the header in the host colour');
    assert.match(
      plain(r.output),
      /\[\d\/4 done \| [\d.]+ s \| (running|connecting): /,
      'a status line while hosts were pending',
    );
    assert.not.match(text, /\[\d\/4 done/, 'gone from the screen at the end');
    assert.match(text, /HOST +EXIT +TIME/);
  },
);

test('in a terminal: coloured prefixes; NO_COLOR turns colour off but keeps the status line', async () => {
  if (!f || !pty) return;
  const coloured = await runCliPty(['run', ...h.args, '-H', 'web1,db1', '--', HOST_CMD], h.env());
  assert.is(coloured.code, 1);
  assert.match(coloured.output, /\x1b\[3\dmweb1\x1b\[0m \| one from 127\.0\.0\.2/);
  assert.match(coloured.output, /\x1b\[31m1 ok, 1 failed, 2 hosts/, 'a red tally');
  const bare = await runCliPty(['run', ...h.args, '-H', 'web1,db1', '--', HOST_CMD], h.env({ NO_COLOR: '1' }));
  assert.is(bare.code, 1);
  assert.not.match(bare.output, /\x1b\[[\d;]*m/, 'no SGR sequence with NO_COLOR');
  assert.match(bare.output, /web1 \| one from 127\.0\.0\.2/);
  assert.match(bare.output, /\[\d\/2 done/);
});

test('SIGINT ends the run: the remote commands are ended, the summary says interrupted, exit 130', async () => {
  if (!f) return;
  const cli = startCli(['run', ...h.args, '-H', 'web1,web2,down1', '--', 'echo $$; exec sleep 600'], h.env());
  const pids = () =>
    cli
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(l.split('| ')[1]));
  assert.ok(
    await noHang(
      eventually(() => pids().length === 2, 30_000),
      'both commands started',
    ),
  );
  assert.ok(pids().every(alive), 'the remote commands run');
  cli.signal('SIGINT');
  const r = await noHang(cli.done, 'the interrupted CLI exits');
  assert.is(r.code, 130, r.stderr);
  const rows = summaryRows(r.stderr);
  assert.equal([rows.web1?.[2], rows.web2?.[2]], ['interrupted', 'interrupted']);
  assert.match(rows.down1![2]!, /^OSSH_MASTER_FAILED/);
  assert.ok(await eventually(() => !pids().some(alive), 5000), 'the remote commands are gone');
});

test('usage errors exit 2 before anything connects', async () => {
  if (!f) return;
  const [none, missing, bad, both] = await Promise.all([
    runCli(['run', ...h.args, '--', 'true'], h.env()),
    runCli(['run', '-h', join(h.dir, 'nope'), '--', 'true'], h.env()),
    runCli(['run', '-H', 'web1', '--concurrency', '0', '--', 'true'], h.env()),
    runCli(['run', '-H', 'web1', '--group', '--json', '--', 'true'], h.env()),
  ]);
  assert.is(none.code, 2);
  assert.match(none.stderr, /no hosts: give -H/);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read hosts file .*nope/);
  assert.is(bad.code, 2);
  assert.is(both.code, 2);
  assert.match(both.stderr, /--group and --json/);
  assert.match(bad.stderr, /concurrency.*positive integer/);
});

test('our options after the remote command: refused (exit 2) without --, passed on after --', async () => {
  if (!f) return;
  const [misplaced, dashed, foreign] = await Promise.all([
    runCli(['run', ...h.args, '-H', 'web1', 'echo', 'up', '-F', 'cfg'], h.env()),
    runCli(['run', ...h.args, '-H', 'web1', '--', 'echo', 'up', '-F', 'cfg'], h.env()),
    runCli(['run', ...h.args, '-H', 'web1', 'echo', 'up', '-l'], h.env()),
  ]);
  assert.is(misplaced.code, 2, misplaced.stderr);
  assert.match(misplaced.stderr, /-F comes after the remote command \(echo\).*-- before/);
  assert.is(misplaced.stdout, '', 'nothing ran');
  assert.is(dashed.code, 0, dashed.stderr);
  assert.match(dashed.stdout, /^web1 \| up -F cfg$/m);
  assert.is(foreign.code, 0, foreign.stderr);
  assert.match(foreign.stdout, /^web1 \| up -l$/m, 'an option that is not ours goes to the remote command');
});

test.run();
