// The constructor's default stdio (Net::OpenSSH's default_stdin_*/default_stdout_*/default_stderr_*):
// used by calls that say nothing about that stream, never by those that do.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { OpenSSH, OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-stddef-'));

for (const engine of ENGINES) {
  const test = suite(`e2e: default stdio from the constructor (${engine})`);
  test.after(disconnectAll);
  if (f) {
    test(
      'defaultStdoutFile / defaultStderrFile collect the output ' +
        'of every call that gives none; capture still captures',
      async () => {
        const out = join(scratch, `out-${engine}`);
        const err = join(scratch, `err-${engine}`);
        const ssh = connect(f, { engine, defaultStdoutFile: out, defaultStderrFile: err });
        await ssh.system('echo one; echo e1 >&2');
        await ssh.system('echo two; echo e2 >&2');
        assert.is(readFileSync(out, 'utf8'), 'one\ntwo\n', 'appended by each call');
        assert.is(readFileSync(err, 'utf8'), 'e1\ne2\n');
        assert.is(await ssh.capture('echo captured'), 'captured\n', 'capture keeps its stdout');
        const mine = new PassThrough();
        const chunks: Buffer[] = [];
        mine.on('data', (c: Buffer) => chunks.push(c));
        await ssh.system({ stdoutFh: mine }, 'echo own');
        assert.is(Buffer.concat(chunks).toString(), 'own\n', "the call's own option wins");
        assert.is(readFileSync(out, 'utf8'), 'one\ntwo\n', 'nothing more in the default file');
      },
    );

    test('defaultStdinFile feeds calls that give no stdin; stdinData overrides', async () => {
      const inFile = join(scratch, `in-${engine}`);
      writeFileSync(inFile, 'from the file\n');
      const ssh = connect(f, { engine, defaultStdinFile: inFile });
      assert.is(await ssh.capture('cat'), 'from the file\n');
      assert.is(await ssh.capture('cat'), 'from the file\n', 'each call reads it from its start');
      assert.is(await ssh.capture({ stdinData: 'given' }, 'cat'), 'given');
    });

    test('defaultStdinFh (a stream, then a file descriptor) feeds a call that gives no stdin', async () => {
      const ssh = connect(f, { engine, defaultStdinFh: Readable.from([Buffer.from('from the stream\n')]) });
      assert.is(await ssh.capture('cat'), 'from the stream\n');
      assert.is(await ssh.capture({ stdinData: 'given' }, 'cat'), 'given', "the call's own option wins");
      const inFile = join(scratch, `in-fd-${engine}`);
      writeFileSync(inFile, 'from the fd\n');
      const fd = openSync(inFile, 'r');
      try {
        const byFd = connect(f, { engine, defaultStdinFh: fd });
        assert.is(await byFd.capture('cat'), 'from the fd\n');
      } finally {
        closeSync(fd);
      }
    });
  }
  test.run();
}

const pg = suite('e2e: setpgrp per call (spawn engine)');
pg.after(disconnectAll);
if (f)
  pg('setpgrp: the ssh process leads its own process group; without it, it shares ours', async () => {
    const ssh = connect(f, { engine: 'spawn' });
    const pgid = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
    for (const setpgrp of [true, false]) {
      const p = await ssh.spawn({ setpgrp, stdoutDiscard: true }, 'sleep 0.5');
      const g = pgid(p.pid!);
      if (setpgrp) assert.is(g, p.pid, 'its own group');
      else assert.is(g, pgid(process.pid), "this process's group");
      await p.exit;
    }
    const e = await new Promise<unknown>((r) => {
      try {
        void ssh.system({ setpgrp: 'yes' } as never, 'true').catch(r);
      } catch (x) {
        r(x);
      }
    });
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
  });
pg.run();

const bad = suite('e2e: default stdio options are checked like per-call ones');
bad('a wrong type or a conflict is OSSH_INVALID_ARGUMENT naming the constructor option', () => {
  for (const [opts, re] of [
    [{ defaultStdoutFh: 'not a stream' }, /defaultStdoutFh/],
    [{ defaultStdinFile: 42 }, /defaultStdinFile/],
    [{ defaultStdoutFile: '/tmp/x', defaultStdoutDiscard: true }, /conflicting stdout/],
  ] as const) {
    try {
      new OpenSSH('127.0.0.1', { connect: false, ...(opts as object) });
      assert.unreachable('accepted');
    } catch (e) {
      assert.instance(e, OpenSSHError);
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      assert.match((e as OpenSSHError).message, re);
    }
  }
});
bad.after(() => rmSync(scratch, { recursive: true, force: true }));
bad.run();
