// `net-openssh put` and `get` as a user runs them: several hosts (aliases of the test sshd) and an
// unreachable one, each tool, per-host directories for get, bars in a terminal, JSON events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sharedSshd } from '../fixtures/sshd';
import { requirePrereq } from '../helpers/prereq';
import { strict } from '../helpers/setup';
import { cliHosts, hasPty, runCli, runCliPty, screen, summaryRows, type CliHosts, type JsonEvent } from './cli-harness';

strict();
const f = await sharedSshd();
const pty = f ? requirePrereq(await hasPty(), 'node-pty (optional dependency) for the terminal tests') : false;
const test = suite('cli: net-openssh put / get');
let h: CliHosts;
let blob: Buffer;
let src: string; // a file both sides can read (the "remote" side is the same machine, as the test account)
let remoteDir: string; // a directory the test account can write

test.before(async () => {
  if (!f) return;
  h = await cliHosts(f);
  chmodSync(h.dir, 0o755);
  blob = randomBytes(3 * 1024 * 1024 + 17);
  src = join(h.dir, 'blob.bin');
  writeFileSync(src, blob, { mode: 0o644 });
  remoteDir = join(h.dir, 'remote');
  mkdirSync(remoteDir);
  chmodSync(remoteDir, 0o777);
});
test.after(() => h?.cleanup());

test(
  "get --via rsync from three hosts: each host's copy " + 'under <dir>/<host>/; plain progress lines; exit 0',
  async () => {
    if (!f) return;
    const dest = join(h.dir, 'dl-rsync');
    const r = await runCli(['get', ...h.args, '--via', 'rsync', '-H', 'web1,web2,db1', src, dest], h.env());
    assert.is(r.code, 0, r.stderr);
    assert.equal(readdirSync(dest).sort(), ['db1', 'web1', 'web2']);
    for (const host of ['web1', 'web2', 'db1'])
      assert.ok(readFileSync(join(dest, host, 'blob.bin')).equals(blob), `${host}'s copy`);
    for (const host of ['web1', 'web2', 'db1'])
      assert.match(r.stderr, new RegExp(`${host}\\s+done 3\\.0 MiB in [\\d.]+ s -> ${dest}/${host}\\n`));
    assert.not.match(r.stderr, /\x1b\[/);
    assert.equal(Object.keys(summaryRows(r.stderr)), ['web1', 'web2', 'db1']);
    assert.is(r.stdout, '');
  },
);

test(
  'put --via scp to a host and an unreachable one: the ' + 'file arrives, the other is a failed row, exit 1',
  async () => {
    if (!f) return;
    const r = await runCli(['put', ...h.args, '-H', 'web1,down1', src, `${remoteDir}/`], h.env());
    assert.is(r.code, 1, r.stderr);
    assert.ok(readFileSync(join(remoteDir, 'blob.bin')).equals(blob));
    const rows = summaryRows(r.stderr);
    assert.equal(rows.web1!.slice(0, 1), ['0']);
    assert.equal(rows.web1![2], '3.0 MiB');
    assert.match(rows.down1![3]!, /^OSSH_MASTER_FAILED: .*Connection refused/);
    assert.match(r.stderr, /down1 failed: OSSH_MASTER_FAILED/);
  },
);

test(
  'get --via sftp in a terminal: progress bars while it ' + 'runs, gone at the end; --json puts only events on stdout',
  async () => {
    if (!f) return;
    const dest = join(h.dir, 'dl-sftp');
    const [tty, json] = await Promise.all([
      pty ? runCliPty(['get', ...h.args, '--via', 'sftp', '-H', 'web1,web2', src, dest], h.env()) : undefined,
      runCli(
        ['put', ...h.args, '--json', '--via', 'sftp', '-H', 'web3,down1', src, join(remoteDir, 'by-sftp.bin')],
        h.env(),
      ),
    ]);
    if (tty) {
      assert.is(tty.code, 0, tty.output);
      assert.match(tty.output, /\[[#-]{24}\] +\d+% {2}[\d.]+ (KiB|MiB|B) \/ 3\.0 MiB/, 'a bar with a percentage');
      const shown = screen(tty.output);
      assert.not.match(shown, /\[[#-]{24}\]/, 'no bar left on screen');
      assert.match(shown, /web1 done 3\.0 MiB in [\d.]+ s/);
      for (const host of ['web1', 'web2']) assert.ok(readFileSync(join(dest, host, 'blob.bin')).equals(blob));
    }
    assert.is(json.code, 1);
    assert.is(json.stderr, '');
    const events = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonEvent);
    const progress = events.filter((e) => e.type === 'progress' && e.host === 'web3');
    assert.ok(progress.length >= 1 && progress.every((e) => e.total === blob.length), 'progress with the total');
    assert.is(progress.at(-1)!.bytes, blob.length);
    assert.equal(
      events
        .filter((e) => e.type === 'end')
        .map((e) => [e.host, e.ok, e.error?.code ?? null])
        .sort(),
      [
        ['down1', false, 'OSSH_MASTER_FAILED'],
        ['web3', true, null],
      ],
    );
    assert.equal(events.at(-1), {
      type: 'summary',
      ok: 1,
      failed: 1,
      hosts: 2,
      durationMs: events.at(-1)!.durationMs,
      interrupted: false,
    });
    assert.ok(readFileSync(join(remoteDir, 'by-sftp.bin')).equals(blob));
  },
);

test('usage: a missing local file, too few paths, --recursive with sftp: exit 2, nothing copied', async () => {
  if (!f) return;
  const [missing, few, rec] = await Promise.all([
    runCli(['put', ...h.args, '-H', 'web1', join(h.dir, 'nope'), remoteDir], h.env()),
    runCli(['get', ...h.args, '-H', 'web1', src], h.env()),
    runCli(['get', ...h.args, '-r', '--via', 'sftp', '-H', 'web1', src, join(h.dir, 'never')], h.env()),
  ]);
  assert.equal([missing.code, few.code, rec.code], [2, 2, 2]);
  assert.match(missing.stderr, /no such local file/);
  assert.match(few.stderr, /at least one source and a target/);
  assert.match(rec.stderr, /--recursive needs --via scp or rsync/);
  assert.not.ok(existsSync(join(h.dir, 'never')));
});

test.run();
