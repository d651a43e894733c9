import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { toArray, lastValueFrom } from 'rxjs';
import { type OpenSSH, type OpenSSHError, raw, type ExecEvent } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-cmd-'));
// the remote account (another user when we run as root) writes marker files here
chmodSync(scratch, 0o777);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const collect = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

for (const engine of ENGINES) {
  const test = suite(`e2e: commands (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);

  if (!f) {
    test.run();
    continue;
  }

  test('capture: one argument is a shell command line', async () => {
    assert.is(await ssh.capture('echo $((40+2))'), '42\n');
  });

  test('capture: several arguments are an argv, each quoted', async () => {
    const args = ['a b', "it's", '$HOME', '`id`', '*', 'semi;colon', '', 'new\nline'];
    const out = await ssh.capture('printf', '%s|', ...args);
    assert.is(out, args.map((a) => `${a}|`).join(''));
  });

  test('raw() passes shell syntax through', async () => {
    assert.is(await ssh.capture('echo', 'a', raw('&&'), 'echo', 'b'), 'a\nb\n');
  });

  test('captureLines keeps the separator, honours a custom one', async () => {
    assert.equal(await ssh.captureLines('printf', 'a\\nb\\nc'), ['a\n', 'b\n', 'c']);
    assert.equal(await ssh.captureLines({ separator: ';' }, 'printf', 'x;y;'), ['x;', 'y;']);
  });

  test('capture2 separates stdout and stderr', async () => {
    const [out, err] = await ssh.capture2('echo out; echo err >&2; echo out2');
    assert.is(out, 'out\nout2\n');
    assert.is(err, 'err\n');
  });

  test('exit codes: system true / 1 / 127; test true/false', async () => {
    assert.is(await ssh.system('true'), true);
    const e1 = await rejects<OpenSSHError>(ssh.system({ stderrDiscard: true }, 'exit 1'));
    assert.is(e1.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.is(e1.exitCode, 1);
    assert.is(e1.errno, 5);
    const e127 = await rejects<OpenSSHError>(ssh.system({ stderrDiscard: true }, 'no-such-command-xyz'));
    assert.is(e127.exitCode, 127);
    assert.match(e127.message, 'command not found');
    assert.is(await ssh.test('true'), true);
    assert.is(await ssh.test('exit 3'), false);
    assert.is(ssh.error?.code, 'OSSH_SLAVE_CMD_FAILED'); // the last failure above
  });

  test('capture keeps the output and the exit code when the command fails', async () => {
    const e = await rejects<OpenSSHError>(ssh.capture({ stderrDiscard: true }, 'echo partial; echo why >&2; exit 4'));
    assert.is(e.exitCode, 4);
    assert.is(e.stdout, 'partial\n');
    const e2 = await rejects<OpenSSHError>(ssh.capture2('echo o; echo why >&2; exit 2'));
    assert.is(e2.stdout, 'o\n');
    assert.match(e2.stderr ?? '', 'why');
    assert.match(e2.message, 'why');
  });

  test('stdinData of 8 MiB arrives intact (sha256)', async () => {
    const data = randomBytes(8 << 20);
    const out = await ssh.capture({ stdinData: data }, 'sha256sum');
    assert.is(out.split(' ')[0], sha(data));
  });

  test('stdinData as an array of strings and Buffers; stdinKeepOpen', async () => {
    assert.is(await ssh.capture({ stdinData: ['a', Buffer.from('b'), undefined, 'c'] }, 'cat'), 'abc');
    assert.is(await ssh.capture({ stdinData: 'x', stdinKeepOpen: true }, 'head -c 1'), 'x');
  });

  test('stdinFile and stdinFh', async () => {
    const p = join(scratch, `in-${engine}`);
    writeFileSync(p, 'from file\n');
    assert.is(await ssh.capture({ stdinFile: p }, 'cat'), 'from file\n');
    assert.is(
      await ssh.capture({ stdinFh: Readable.from([Buffer.from('from '), Buffer.from('stream')]) }, 'cat'),
      'from stream',
    );
  });

  test('default stdin is empty (the command does not wait for ours)', async () => {
    assert.is(await ssh.capture('cat; echo end'), 'end\n');
  });

  test('stderrToStdout merges the streams', async () => {
    const out = await ssh.capture({ stderrToStdout: true }, 'echo one; echo two >&2');
    assert.equal(out.split('\n').filter(Boolean).sort(), ['one', 'two']);
    const argv = await ssh.capture({ stderrToStdout: true }, 'sh', '-c', 'echo three >&2');
    assert.is(argv, 'three\n');
  });

  test('stdoutFile / stderrFile / append', async () => {
    const o = join(scratch, `o-${engine}`);
    const e = join(scratch, `e-${engine}`);
    await ssh.system({ stdoutFile: o, stderrFile: e }, 'echo to-out; echo to-err >&2');
    assert.is(readFileSync(o, 'utf8'), 'to-out\n');
    assert.is(readFileSync(e, 'utf8'), 'to-err\n');
    await ssh.system({ stdoutFile: ['a', o] }, 'echo more');
    assert.is(readFileSync(o, 'utf8'), 'to-out\nmore\n');
  });

  test('an unopenable stdoutFile fails before anything runs', async () => {
    const marker = join(scratch, `never-${engine}`);
    const e = await rejects<OpenSSHError>(ssh.system({ stdoutFile: '/nonexistent-dir/x' }, 'touch', marker));
    assert.is(e.code, 'OSSH_SLAVE_PIPE_FAILED');
    assert.match(e.message, '/nonexistent-dir/x');
    await sleep(200);
    assert.not.ok(existsSync(marker));
  });

  test('stdoutFh / stderrFh streams and discard', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const got = Promise.all([collect(out), collect(err)]);
    await ssh.system({ stdoutFh: out, stderrFh: err }, 'echo O; echo E >&2');
    out.end();
    err.end();
    assert.equal(await got, ['O\n', 'E\n']);
    assert.is(await ssh.capture({ stderrDiscard: true }, 'echo kept; echo dropped >&2'), 'kept\n');
  });

  test('makeRemoteCommand: argv and quoted string forms; stdoutDiscard', async () => {
    const argv = await ssh.makeRemoteCommand({ tty: false }, 'echo', 'x y');
    assert.is(argv.at(-1), "echo 'x y'");
    assert.ok(argv.includes('-T'));
    assert.is(await ssh.system({ stdoutDiscard: true }, 'echo', 'x'), true);
    const s = await ssh.makeRemoteCommandString('echo', 'a b');
    assert.ok(s.endsWith(`-- 127.0.0.1 'echo '\\''a b'\\'`), s);
  });

  test('exec$ emits chunks in order then one exit event', async () => {
    const events = await lastValueFrom(ssh.exec$('echo a; sleep 0.1; echo b >&2; sleep 0.1; exit 3').pipe(toArray()));
    const kinds = events.map((e: ExecEvent) => e.type);
    assert.equal(kinds, ['stdout', 'stderr', 'exit']);
    assert.equal(events[2], { type: 'exit', code: 3, signal: null });
  });

  test('unsubscribing exec$ ends the slave', async () => {
    const seen: string[] = [];
    const sub = ssh.exec$('while :; do echo tick; sleep 0.05; done').subscribe((e) => seen.push(e.type));
    assert.ok(await eventually(() => seen.length > 2));
    sub.unsubscribe();
    const n = seen.length;
    await sleep(300);
    assert.ok(seen.length <= n + 1, 'no events after unsubscribe');
    assert.not.ok(seen.includes('exit'));
  });

  test('open2 / open3 / pipeIn / pipeOut / open2socket', async () => {
    const p2 = await ssh.open2('cat');
    p2.stdin.end('round trip');
    assert.is(await collect(p2.stdout), 'round trip');
    assert.equal(await p2.exit, { code: 0, signal: null });

    const p3 = await ssh.open3('cat; echo err >&2');
    p3.stdin.end('in');
    assert.equal(await Promise.all([collect(p3.stdout!), collect(p3.stderr!)]), ['in', 'err\n']);

    const target = join(scratch, `pipein-${engine}`);
    const pin = await ssh.pipeIn('cat', raw('>'), target);
    pin.stdin.end('written remotely\n');
    await pin.exit;
    assert.is(readFileSync(target, 'utf8'), 'written remotely\n');

    const pout = await ssh.pipeOut('cat', target);
    assert.is(await collect(pout.stdout), 'written remotely\n');

    const { socket, process: p } = await ssh.open2socket('tr a-z A-Z');
    socket.end('shout');
    assert.is(await collect(socket), 'SHOUT');
    assert.is((await p.exit).code, 0);
  });

  test('openEx with stdoutPipe + stderrToStdout, and spawn with a file', async () => {
    const p = await ssh.openEx({ stdoutPipe: true, stderrToStdout: true }, 'echo x; echo y >&2');
    assert.equal((await collect(p.stdout!)).split('\n').filter(Boolean).sort(), ['x', 'y']);
    const o = join(scratch, `spawn-${engine}`);
    const s = await ssh.spawn({ stdoutFile: o }, 'echo spawned');
    assert.equal(await s.exit, { code: 0, signal: null });
    assert.is(readFileSync(o, 'utf8'), 'spawned\n');
  });

  test('system({ async: true }) returns the running process', async () => {
    const p = await ssh.system({ async: true, stdoutDiscard: true }, 'sleep 0.2; exit 7');
    assert.equal(await p.exit, { code: 7, signal: null });
  });

  test('signals: a remote command killed by a signal', async () => {
    const e = await rejects<OpenSSHError>(ssh.system({ stderrDiscard: true }, 'kill -TERM $$'));
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    // ssh (spawn engine) reports a remote signal as exit code 255; the mux engine reports the signal itself
    if (engine === 'spawn') assert.is(e.exitCode, 255);
    else assert.is(e.signal, 'TERM');
  });

  test('signals: a process handle killed', async () => {
    const p = await ssh.spawn({ stdoutDiscard: true }, 'sleep 30');
    await sleep(100);
    await p.kill('KILL');
    const st = await p.exit;
    assert.is(st.code, null);
    assert.is(st.signal, 'KILL');
  });

  test('timeout with killSshOnTimeout: false: fails, the command is left to finish', async () => {
    const marker = join(scratch, `left-${engine}`);
    const e = await rejects<OpenSSHError>(
      ssh.capture({ timeout: 1.5, killSshOnTimeout: false }, `echo started; sleep 4; touch ${marker}`),
    );
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(e.errno, 4);
    assert.is(e.stdout, 'started\n', 'partial output is kept');
    assert.not.ok(existsSync(marker), 'rejected at the timeout, before the command ended');
    assert.ok(await eventually(() => existsSync(marker), 10_000), 'the command went on and finished');
  });

  test('timeout with killSshOnTimeout: the slave is ended', async () => {
    const e = await rejects<OpenSSHError>(
      ssh.system({ timeout: 0.5, killSshOnTimeout: true, stdoutDiscard: true }, 'sleep 5'),
    );
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    assert.match(e.message, 'killed');
  });

  test('AbortSignal ends the command and keeps the output so far', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 400);
    const e = await rejects<OpenSSHError>(ssh.capture({ signal: ac.signal }, 'echo first; sleep 5; echo never'));
    assert.is(e.code, 'OSSH_ABORTED');
    assert.is(e.stdout, 'first\n');
  });

  test('bad arguments fail before anything runs', async () => {
    const bad = async (p: Promise<unknown>, re: RegExp) =>
      rejects<OpenSSHError>(p, (e) => e.code === 'OSSH_INVALID_ARGUMENT' && re.test(e.message));
    await bad(ssh.capture({ nope: 1 } as never, 'true'), /unknown option `nope`/);
    await bad(ssh.capture('echo', 'a\0b'), /NUL/);
    await bad(ssh.capture({ stdinData: 'x', stdinFile: '/etc/passwd' }, 'cat'), /conflicting stdin/);
    await bad(ssh.capture({ sshOpts: ['-o', 'ControlPath=/tmp/x'] }, 'true'), /control socket/);
    await bad(ssh.capture({ timeout: -1 }, 'true'), /timeout/);
  });

  test.run();
}

const kill = suite('e2e: master killed from outside');
kill.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});
if (f) {
  for (const engine of ENGINES) {
    kill(`a streaming command and later calls fail with OSSH_MASTER_FAILED (${engine})`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      const chunks: string[] = [];
      const out = new PassThrough();
      out.on('data', (c) => chunks.push(String(c)));
      const running = ssh.system({ stdoutFh: out }, 'while :; do echo x; sleep 0.05; done');
      running.catch(() => {});
      assert.ok(await eventually(() => chunks.length > 2));
      const pid = ssh.masterPid!;
      process.kill(pid, 'SIGKILL');
      const e = await noHang(rejects<OpenSSHError>(running), 'a command on a killed master');
      assert.is(e.code, 'OSSH_MASTER_FAILED');
      await noHang(
        rejects<OpenSSHError>(ssh.capture('true'), (x) => x.code === 'OSSH_MASTER_FAILED'),
        'a call after the master was killed',
      );
      assert.ok(await eventually(() => !alive(pid)), 'the killed master was reaped');
    });
  }
}
kill.run();
