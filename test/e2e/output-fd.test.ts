// Output to a file descriptor number finishes (issue 17, bug 1): `stdoutFh`/`stderrFh` numbers, a connection's
// `defaultStderrFh`, a process handle's, and scpGet's `stderrFh` used to write the output and then stay pending
// forever (the fd's write stream never emits 'close'). The caller's fd is never closed: writing to it afterwards
// works. On both engines, with fds of a file this test opened, and once in a child process with its real fd 1
// and 2 (test/fixtures/output-fd-client.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenSSH } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';

strict();
const HANG_MS = 20_000; // far above the second each of these takes
const CLIENT = fileURLToPath(new URL('../fixtures/output-fd-client.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const f = await sharedSshd();

for (const engine of ENGINES) {
  const test = suite(`e2e: output to an fd number (${engine} engine)`);
  let ssh: OpenSSH;
  let dir: string;
  let n = 0;
  /** A file of ours, opened for writing: its fd, and its content once closed. */
  const openFile = () => {
    const path = join(dir, `out-${n++}`);
    const fd = openSync(path, 'w');
    return { fd, text: () => (closeSync(fd), readFileSync(path, 'utf8')) };
  };
  test.before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nos-fd-'));
    chmodSync(dir, 0o755); // the remote account reads scp's sources here
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(async () => {
    await disconnectAll();
    rmSync(dir, { recursive: true, force: true });
  });
  if (!f) {
    test.run();
    continue;
  }

  test('system({ stdoutFh: fd }) finishes; the fd stays open', async () => {
    const out = openFile();
    assert.is(await noHang(ssh.system({ stdoutFh: out.fd }, 'echo x'), 'system', HANG_MS), true);
    writeSync(out.fd, 'after\n'); // throws EBADF if the fd was closed
    assert.is(out.text(), 'x\nafter\n');
  });

  test('system({ stderrFh: fd }) and test({ stdoutFh, stderrFh }) finish', async () => {
    const err = openFile();
    const out = openFile();
    await noHang(ssh.system({ stderrFh: err.fd }, 'echo e >&2'), 'system', HANG_MS);
    const ok = ssh.test({ stdoutFh: out.fd, stderrFh: err.fd }, 'echo o; echo e2 >&2; exit 3');
    assert.is(await noHang(ok, 'test', HANG_MS), false);
    writeSync(err.fd, 'after\n');
    assert.is(err.text(), 'e\ne2\nafter\n');
    assert.is(out.text(), 'o\n');
  });

  test('a connection with defaultStderrFh: fd: its commands finish', async () => {
    const err = openFile();
    const other = connect(f!, { engine, defaultStderrFh: err.fd });
    await noHang(other.system('echo d1 >&2'), 'first system', HANG_MS);
    await noHang(other.system('echo d2 >&2'), 'second system', HANG_MS);
    assert.is(err.text(), 'd1\nd2\n');
  });

  test('spawn({ stdoutFh: fd }): the exit settles', async () => {
    const out = openFile();
    const p = await ssh.spawn({ stdoutFh: out.fd }, 'echo s');
    assert.equal(await noHang(p.exit, 'exit', HANG_MS), { code: 0, signal: null });
    assert.is(out.text(), 's\n');
  });

  test('scpGet({ stderrFh: fd }) finishes', async () => {
    const err = openFile();
    const src = join(dir, 'src.txt');
    writeFileSync(src, 'payload\n', { mode: 0o644 });
    const got = ssh.scpGet({ stderrFh: err.fd }, src, join(dir, 'copy.txt'));
    assert.is(await noHang(got, 'scpGet', HANG_MS), true);
    assert.is(readFileSync(join(dir, 'copy.txt'), 'utf8'), 'payload\n');
    err.text();
  });

  test("a child process's real fd 1 and 2: every call finishes, the process exits, both fds stay open", async () => {
    const src = join(dir, 'child-src.txt');
    writeFileSync(src, 'payload\n', { mode: 0o644 });
    const job = { destination: f.destination, options: f.options({ engine }), source: src, target: join(dir, 'c') };
    const [stdout, stderr] = await noHang(
      new Promise<[string, string]>((resolve, reject) =>
        execFile(process.execPath, [scriptBundle(CLIENT), JSON.stringify(job)], { cwd: REPO }, (e, o, er) =>
          e ? reject(new Error(`${e.message}\n${er}`)) : resolve([o, er]),
        ),
      ),
      'the client',
      60_000,
    );
    assert.is(stdout, 'out-1\nspawn-out\nfd 1 open\n');
    for (const line of ['err-2', 'spawn-err', 'default-err', 'fd 2 open'])
      assert.ok(stderr.split('\n').includes(line), `${line} on stderr: ${JSON.stringify(stderr)}`);
    assert.ok(stderr.endsWith('fd 2 open\n'));
    assert.is(readFileSync(join(dir, 'c'), 'utf8'), 'payload\n');
  });

  test.run();
}
