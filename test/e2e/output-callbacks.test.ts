// onStdout / onStderr: output handed to a function as it arrives (on the mux engine as views of read
// buffers it reuses). Checks every byte arrives, alongside commands read through streams on the same
// control socket, and that a throwing callback fails only its own command.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSHError, type OpenSSH } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-cb-'));
chmodSync(scratch, 0o755);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
// files the remote account reads back: different contents, so a chunk delivered to the wrong consumer shows
const files = Array.from({ length: 6 }, (_, i) => {
  const data = randomBytes((3 << 20) + i * 4099);
  const path = join(scratch, `f${i}.bin`);
  writeFileSync(path, data, { mode: 0o644 });
  return { path, sum: sha(data), size: data.length };
});

/** Runs `cat path` with stdout through onStdout, hashing as it goes; the chunk is not kept. */
const hashThrough = async (ssh: OpenSSH, path: string, stream: 'stdout' | 'stderr') => {
  const h = createHash('sha256');
  let n = 0;
  const take = (c: Buffer) => {
    h.update(c);
    n += c.length;
  };
  await ssh.system(
    stream === 'stdout' ? { onStdout: take } : { onStderr: take, stdoutDiscard: true },
    stream === 'stdout' ? `cat ${path}` : `cat ${path} >&2`,
  );
  return { sum: h.digest('hex'), size: n };
};

for (const engine of ENGINES) {
  const test = suite(`e2e: onStdout / onStderr (${engine} engine)`);
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

  test('every byte arrives, in order, while streamed commands share the connection', async () => {
    const [a, b, c, d, e, g] = files as [
      (typeof files)[0],
      (typeof files)[0],
      (typeof files)[0],
      (typeof files)[0],
      (typeof files)[0],
      (typeof files)[0],
    ];
    const results = await Promise.all([
      hashThrough(ssh, a.path, 'stdout'),
      hashThrough(ssh, b.path, 'stderr'),
      ssh
        .capture({ encoding: 'latin1' }, 'cat', c.path)
        .then((s) => ({ sum: sha(Buffer.from(s, 'latin1')), size: s.length })),
      hashThrough(ssh, d.path, 'stdout'),
      ssh
        .capture2({ encoding: 'latin1' }, `cat ${e.path}; cat ${g.path} >&2`)
        .then(([o, er]) => [Buffer.from(o, 'latin1'), Buffer.from(er, 'latin1')]),
    ]);
    assert.equal(results[0], { sum: a.sum, size: a.size });
    assert.equal(results[1], { sum: b.sum, size: b.size });
    assert.equal(results[2], { sum: c.sum, size: c.size });
    assert.equal(results[3], { sum: d.sum, size: d.size });
    assert.is(sha(results[4][0]!), e.sum);
    assert.is(sha(results[4][1]!), g.sum);
  });

  test('stdout and stderr callbacks together get both streams', async () => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    await ssh.system(
      { onStdout: (c) => out.push(Buffer.from(c)), onStderr: (c) => err.push(Buffer.from(c)) },
      'printf out; printf err >&2',
    );
    assert.is(Buffer.concat(out).toString(), 'out');
    assert.is(Buffer.concat(err).toString(), 'err');
  });

  test('a throwing callback fails its command with OSSH_SLAVE_PIPE_FAILED; the connection carries on', async () => {
    let calls = 0;
    const e = await rejects<OpenSSHError>(
      ssh.system(
        {
          onStdout: () => {
            calls++;
            throw new Error('consumer broke');
          },
        },
        'head -c 3000000 /dev/zero',
      ),
    );
    assert.instance(e, OpenSSHError);
    assert.is(e.code, 'OSSH_SLAVE_PIPE_FAILED');
    assert.match(e.message, /onStdout callback threw: consumer broke/);
    assert.is(calls, 1, 'no calls after the throw');
    assert.is(await ssh.capture('echo still-here'), 'still-here\n');
  });

  test('output keeps the inactivity timeout from firing', async () => {
    let lines = 0;
    await ssh.system(
      { timeout: 1, onStdout: (c) => (lines += c.toString().split('\n').length - 1) },
      'for i in 1 2 3 4; do echo $i; sleep 0.4; done',
    );
    assert.is(lines, 4);
  });

  test('bad values and conflicts are refused before anything runs', async () => {
    await rejects<OpenSSHError>(
      ssh.system({ onStdout: 'x' as never }, 'true'),
      (e) => e.code === 'OSSH_INVALID_ARGUMENT' && /`onStdout` to be a function/.test(e.message),
    );
    await rejects<OpenSSHError>(ssh.system({ onStdout: () => {}, stdoutDiscard: true }, 'true'), (e) =>
      /conflicting stdout options: stdoutDiscard, onStdout/.test(e.message),
    );
    await rejects<OpenSSHError>(ssh.system({ onStderr: () => {}, stderrToStdout: true }, 'true'), (e) =>
      /conflicting stderr options/.test(e.message),
    );
    await rejects<OpenSSHError>(ssh.system({ onStdout: () => {}, async: true }, 'true'), (e) =>
      /cannot be combined with `async`/.test(e.message),
    );
  });

  test.run();
}

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
