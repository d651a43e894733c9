import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ProcessOutput, type ProcessPromise } from 'zx/core';
import { type OpenSSH, OpenSSHError } from '../../src/index';
import { remote$, type RemoteShell } from '../../src/zx/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { alive } from '../helpers/processes';
import { eventually, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('zx: remote$(ssh) runs zx ProcessPromises over the connection');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-zx-'));
chmodSync(scratch, 0o777); // the remote account writes here
let ssh: OpenSSH;
let $: RemoteShell;

/** Resolves with the first stdout line of `p` (a remote `echo $$` gives the remote pid). */
const firstLine = (p: ProcessPromise): Promise<string> =>
  new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        p.stdout.off('data', onData);
        resolve(buf.split('\n')[0]!);
      }
    };
    p.stdout.on('data', onData);
  });

const isSleeping = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep');
  } catch {
    return false;
  }
};

test.before(async () => {
  if (!f) return;
  ssh = connect(f);
  await ssh.waitForMaster();
  $ = remote$(ssh, { quiet: true });
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('runs remotely, as the remote user', async () => {
    const out = await $`id -un; echo $SSH_CONNECTION`;
    assert.instance(out, ProcessOutput);
    const [user, conn] = out.stdout.split('\n');
    assert.is(user, f.user);
    assert.match(conn!, `127.0.0.1 ${f.port}`); // set by sshd: the command really ran through it
  });

  test('interpolations arrive literally: $(...), backquotes, quotes, ;, newlines, globs, empty strings', async () => {
    const marker = join(scratch, 'pwned');
    const nasty = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'; touch ${marker}; echo '`,
      `"double" and 'single'`,
      `a;b && c | d > ${marker}`,
      'line1\nline2\n',
      '*',
      '~',
      '',
      '$HOME',
      'tab\there',
    ];
    for (const v of nasty) {
      const out = await $`printf '[%s]' ${v}`;
      assert.is(out.stdout, `[${v}]`, JSON.stringify(v));
    }
    const many = await $`printf '[%s]' ${nasty}`; // an array: one word per element
    assert.is(many.stdout, nasty.map((v) => `[${v}]`).join(''));
    assert.not.ok(existsSync(marker), 'nothing was executed');
  });

  test("stdout, stderr, exit code; a failure rejects with zx's ProcessOutput", async () => {
    const ok = await $`echo out; echo err >&2`;
    assert.is(ok.stdout, 'out\n');
    assert.is(ok.stderr, 'err\n');
    assert.is(ok.exitCode, 0);
    try {
      await $`echo partial; echo why >&2; exit 7`;
      assert.unreachable('should reject');
    } catch (e) {
      assert.instance(e, ProcessOutput);
      const o = e as ProcessOutput;
      assert.is(o.exitCode, 7);
      assert.is(o.stdout, 'partial\n');
      assert.is(o.stderr, 'why\n');
    }
  });

  test('nothrow: resolves with ok false and the exit code', async () => {
    const o = await $({ nothrow: true })`exit 3`;
    assert.is(o.exitCode, 3);
    assert.is(o.ok, false);
    const o2 = await $`exit 4`.nothrow();
    assert.is(o2.exitCode, 4);
  });

  test('quiet: stderr is not echoed (zx log entries say so)', async () => {
    const entries: Array<{ kind: string; verbose?: boolean }> = [];
    const log = ((e: { kind: string; verbose?: boolean }) => entries.push(e)) as never;
    await remote$(ssh, { log })`echo loud >&2`;
    await remote$(ssh, { log, quiet: true })`echo hushed >&2`;
    const stderr = entries.filter((e) => e.kind === 'stderr');
    assert.equal(
      stderr.map((e) => e.verbose),
      [true, false],
    );
  });

  test('input and stdin reach the remote command', async () => {
    assert.is((await $({ input: 'given input' })`cat`).stdout, 'given input');
    const p = $`tr a-z A-Z`;
    p.stdin.write('written ');
    p.stdin.end('then ended');
    assert.is((await p).stdout, 'WRITTEN THEN ENDED');
  });

  test('pipe: remote to remote, remote to a local command, remote to a file, to a stream', async () => {
    assert.is((await $`printf 'b\\na\\nc\\n'`.pipe($`sort`)).stdout, 'a\nb\nc\n');
    // a template after .pipe runs locally (zx's $): remote output counted here
    assert.is((await $`printf 'x\\ny\\n'`.pipe`wc -l`).stdout.trim(), '2');
    // zx resolves a pipe into a file when the source has ended, not when the file is flushed (so does
    // local zx): wait for our own stream's 'finish'
    const file = join(scratch, 'piped.txt');
    const ws = createWriteStream(file);
    await $`echo to a file`.pipe(ws);
    await finished(ws);
    assert.is(readFileSync(file, 'utf8'), 'to a file\n');
    const byName = join(scratch, 'piped-by-name.txt');
    await $`echo by name`.pipe(byName);
    assert.ok(await eventually(() => existsSync(byName) && readFileSync(byName, 'utf8') === 'by name\n'));
    const sink = new PassThrough();
    let got = '';
    sink.on('data', (d: Buffer) => (got += d));
    await $`echo to a stream`.pipe(sink);
    assert.is(got, 'to a stream\n');
  });

  test('text, lines, json and for await', async () => {
    assert.is(await $`printf hi`.text(), 'hi');
    assert.equal(await $`printf 'a\\nb\\n'`.lines(), ['a', 'b']);
    assert.equal(await $`echo '{"n": 42}'`.json(), { n: 42 });
    const seen: string[] = [];
    for await (const line of $`printf 'l1\\nl2\\nl3'`) seen.push(line);
    assert.equal(seen, ['l1', 'l2', 'l3']);
  });

  test('kill(signal) delivers the signal to the remote command', async () => {
    const p = $`echo $$; exec sleep 100`.nothrow();
    const pid = Number(await firstLine(p));
    assert.ok(await eventually(() => isSleeping(pid)));
    await p.kill('SIGINT');
    const o = await p;
    assert.is(o.signal, 'SIGINT');
    assert.ok(await eventually(() => !alive(pid)), 'the remote sleep is gone');
  });

  test('timeout ends the remote command with timeoutSignal', async () => {
    const p = $({ timeout: '300ms', nothrow: true })`echo $$; exec sleep 100`;
    const pid = Number(await firstLine(p));
    const o = await p;
    assert.is(o.signal, 'SIGTERM');
    assert.is(o.ok, false);
    assert.ok(await eventually(() => !alive(pid)), 'the remote sleep is gone');
  });

  test('an AbortSignal (and abort()) ends the remote command', async () => {
    const ac = new AbortController();
    const p = $({ signal: ac.signal, nothrow: true })`echo $$; exec sleep 100`;
    const pid = Number(await firstLine(p));
    ac.abort();
    await p;
    assert.ok(await eventually(() => !alive(pid)));
    const p2 = $({ nothrow: true })`echo $$; exec sleep 100`;
    const pid2 = Number(await firstLine(p2));
    p2.abort();
    await p2;
    assert.ok(await eventually(() => !alive(pid2)));
  });

  test('halt: nothing runs until run()', async () => {
    const file = join(scratch, 'halted');
    const p = $({ halt: true })`touch ${file}`;
    await new Promise((r) => setTimeout(r, 200));
    assert.not.ok(existsSync(file));
    p.run();
    await p;
    assert.ok(existsSync(file));
  });

  test('a connection that cannot connect: rejects, with the OpenSSHError as cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address() as { port: number };
        srv.close(() => resolve(a.port));
      });
    });
    const bad = connect(f, { timeout: 5 }, `${f.user}@127.0.0.1:${port}`);
    const o = await remote$(bad, { quiet: true, nothrow: true })`true`;
    assert.is(o.ok, false);
    assert.instance(o.cause, OpenSSHError);
    assert.is((o.cause as OpenSSHError).code, 'OSSH_MASTER_FAILED');
  });

  test('the spawn engine: the same ProcessPromise over an ssh slave process (its pid is the local ssh)', async () => {
    const viaSpawn = remote$(connect(f, { engine: 'spawn' }), { quiet: true });
    const p = viaSpawn`printf '[%s]' ${'$(id); `id`\n'}; echo; echo err >&2; exit 2`.nothrow();
    const o = await p;
    assert.is(o.stdout, '[$(id); `id`\n]\n');
    assert.is(o.stderr, 'err\n');
    assert.is(o.exitCode, 2);
    assert.type(p.pid, 'number');
  });

  test('a NUL byte in an interpolation throws OSSH_INVALID_ARGUMENT at once', () => {
    assert.throws(
      () => $`echo ${'a\0b'}`,
      (e: OpenSSHError) => e instanceof OpenSSHError && e.code === 'OSSH_INVALID_ARGUMENT',
    );
  });

  test('local-only options and sync mode are refused with OSSH_INVALID_ARGUMENT', () => {
    for (const bad of [{ cwd: '/tmp' }, { env: {} }, { sync: true }, { spawn: () => {} }]) {
      assert.throws(
        () => remote$(ssh, bad as never),
        (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
      );
      assert.throws(
        () => $(bad as never),
        (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
      );
    }
  });

  test('a kill after the end, or before a halted command started, is refused', async () => {
    const done = $`true`;
    await done;
    let err: unknown;
    await done.kill().catch((e: unknown) => (err = e));
    assert.is((err as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    const halted = $({ halt: true })`true`;
    err = undefined;
    await halted.kill().catch((e: unknown) => (err = e));
    assert.is((err as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
  });
}

test.run();
