// The process handles Net::OpenSSH has beside open2/open3: open3socket, openEx's stdinoutSocket, the pty options
// of open_ex (refused, with the methods to use), and where the master's own output goes (masterStdoutFh).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const collect = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

/** Both ends of a local TCP connection: `near` is handed to the command, the test talks through `far`. */
const socketPair = async (): Promise<{ near: Socket; far: Socket }> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const near = netConnect(port, '127.0.0.1');
  const far = await accepted;
  server.close();
  return { near, far };
};

for (const engine of ENGINES) {
  const test = suite(`e2e: process handles (${engine} engine)`);
  test.after(disconnectAll);
  if (f) {
    test('open3socket: stdin and stdout as one Duplex, stderr apart', async () => {
      const ssh = connect(f, { engine });
      const { socket, stderr, process: p } = await ssh.open3socket('tr a-z A-Z; echo oops >&2; exit 3');
      socket.end('shout');
      const [out, err] = await noHang(Promise.all([collect(socket), collect(stderr)]), 'open3socket streams');
      assert.is(out, 'SHOUT');
      assert.is(err, 'oops\n');
      assert.is((await p.exit).code, 3);
    });

    test('open3socket accepts only the common options (no stdio redirection)', async () => {
      const ssh = connect(f, { engine });
      const e = await rejects<OpenSSHError>(ssh.open3socket({ stderrDiscard: true } as never, 'true'));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
    });

    test('openEx stdinoutSocket: a net.Socket wired to the command, end to end', async () => {
      const ssh = connect(f, { engine });
      const { near, far } = await socketPair();
      const p = await ssh.openEx({ stdinoutSocket: near }, 'tr a-z A-Z');
      far.end('over tcp');
      assert.is(await noHang(collect(far), 'the far end of the socket'), 'OVER TCP');
      assert.is((await p.exit).code, 0);
    });

    test('openEx stdinPty / stdoutPty / closeSlavePty: OSSH_INVALID_ARGUMENT naming open2pty / open3pty', async () => {
      const ssh = connect(f, { engine });
      for (const o of [{ stdinPty: true }, { stdoutPty: true }, { closeSlavePty: false }]) {
        const e = await rejects<OpenSSHError>(ssh.openEx(o as never, 'true'));
        assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
        assert.match(e.message, Object.keys(o)[0]!);
        assert.match(e.message, /open2pty.*open3pty/);
      }
    });
  }
  test.run();
}

const master = suite('e2e: the master output (masterStdoutFh)');
master.after(disconnectAll);
if (f)
  master("masterStdoutFh gets the master's stdout (here a LocalCommand's output)", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const marker = `master-stdout-${process.pid}-${Date.now()}`;
    const ssh = connect(f, {
      masterStdoutFh: out,
      masterOpts: [...f.options().masterOpts, '-o', 'PermitLocalCommand=yes', '-o', `LocalCommand=echo ${marker}`],
    });
    await ssh.waitForMaster();
    assert.is(await ssh.capture('echo', 'ok'), 'ok\n');
    await ssh.disconnect();
    assert.ok(Buffer.concat(chunks).toString().includes(`${marker}\n`), Buffer.concat(chunks).toString());
  });
master.run();
