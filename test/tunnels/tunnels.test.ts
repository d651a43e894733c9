import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenSSH, OpenSSHError } from '../../src/index';
import { captureTunnel, openTunnel } from '../../src/tunnels/tunnel';
import { addForward, forwardSpec } from '../../src/tunnels/forward';
import { sharedSshd } from '../fixtures/sshd';
import { connect as connectSsh, disconnectAll } from '../helpers/connect';
import { eventually, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('tunnels: ssh -W, Unix sockets, forwards on a running master');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-tun-'));
chmodSync(scratch, 0o777); // the remote account must reach the socket
const sockPath = join(scratch, 'echo.sock');
const servers: Server[] = [];
const sockets = new Set<Socket>();

/** An echo server: answers every chunk with "echo:" + chunk, and ends when the client ends. */
const echoServer = (listen: (s: Server) => void): Promise<Server> =>
  new Promise((resolve) => {
    const srv = createServer({ allowHalfOpen: true }, (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
      c.on('data', (d) => c.write(Buffer.concat([Buffer.from('echo:'), d])));
      c.on('end', () => c.end());
      c.on('error', () => {});
    });
    servers.push(srv);
    srv.once('listening', () => resolve(srv));
    listen(srv);
  });
const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
};
/** Connects, sends `data`, half-closes, and collects the reply. */
const roundTrip = (port: number, data: Buffer | string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    c.on('data', (d) => chunks.push(d));
    c.on('end', () => resolve(Buffer.concat(chunks)));
    c.on('error', reject);
    c.end(data);
  });
const collect = (s: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });

let ssh: OpenSSH;
let echoPort: number;

test.before(async () => {
  if (!f) return;
  ssh = connectSsh(f);
  const tcp = await echoServer((s) => s.listen(0, '127.0.0.1'));
  echoPort = (tcp.address() as { port: number }).port;
  await echoServer((s) => s.listen(sockPath));
  chmodSync(sockPath, 0o666);
  await ssh.waitForMaster();
});
test.after(async () => {
  for (const c of sockets) c.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('TCP tunnel (ssh -W): a Duplex that carries 1 MiB both ways, then closes cleanly', async () => {
    const t = await openTunnel(ssh, {}, '127.0.0.1', echoPort);
    assert.type(t.pid, 'number');
    const payload = randomBytes(1024 * 1024);
    const reply = collect(t.socket);
    t.socket.end(payload);
    const got = await reply;
    // the echo server prefixes each chunk it received: strip the prefixes and compare
    const body = Buffer.from(got.toString('latin1').split('echo:').join(''), 'latin1');
    assert.is(sha(body), sha(payload));
    await t.closed;
  });

  test('captureTunnel sends stdinData and returns the reply', async () => {
    assert.is(await captureTunnel(ssh, { stdinData: 'hello' }, '127.0.0.1', echoPort), 'echo:hello');
  });

  test('a refused TCP tunnel is an OSSH_SLAVE_FAILED naming the destination; the master survives', async () => {
    const port = await freePort();
    const e = await rejects<OpenSSHError>(captureTunnel(ssh, { stdinData: 'x' }, '127.0.0.1', port));
    assert.instance(e, OpenSSHError);
    assert.is(e.code, 'OSSH_SLAVE_FAILED');
    assert.ok(e.message.includes(`127.0.0.1:${port}`), e.message);
    assert.match(e.message, /refused/);
    const t = await openTunnel(ssh, {}, '127.0.0.1', port);
    const err = await new Promise<Error>((r) => t.socket.once('error', r));
    assert.is((err as OpenSSHError).code, 'OSSH_SLAVE_FAILED');
    await rejects(t.closed);
    assert.is(await ssh.checkMaster(), true);
    assert.is(await captureTunnel(ssh, { stdinData: 'still' }, '127.0.0.1', echoPort), 'echo:still');
  });

  test('Unix socket tunnel: open and capture; a missing socket is an error naming the path', async () => {
    const t = await openTunnel(ssh, {}, sockPath);
    const reply = collect(t.socket);
    t.socket.end('over unix');
    assert.is((await reply).toString(), 'echo:over unix');
    await t.closed;
    assert.is(await captureTunnel(ssh, { stdinData: 'cap' }, sockPath), 'echo:cap');
    const missing = join(scratch, 'nope.sock');
    const e = await rejects<OpenSSHError>(openTunnel(ssh, {}, missing));
    assert.is(e.code, 'OSSH_SLAVE_FAILED');
    assert.ok(e.message.includes(missing), e.message);
    assert.is(await ssh.checkMaster(), true);
  });

  test(
    'close() ends a tunnel without an error; captureTunnel ' + 'times out without traffic, keeping what came',
    async () => {
      const t = await openTunnel(ssh, {}, '127.0.0.1', echoPort);
      const first = new Promise<Buffer>((r) => t.socket.once('data', r));
      t.socket.write('ping');
      assert.is((await first).toString(), 'echo:ping');
      t.close();
      await t.closed;
      const e = await rejects<OpenSSHError>(
        captureTunnel(ssh, { stdinData: 'partial', stdinKeepOpen: true, timeout: 1 }, '127.0.0.1', echoPort),
      );
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
      assert.is(e.stdout, 'echo:partial');
      assert.is(await ssh.checkMaster(), true);
    },
  );

  test('bad tunnel arguments are OSSH_INVALID_ARGUMENT', async () => {
    for (const args of [
      ['-oProxyCommand=x', 22],
      ['h', 0],
      ['h', 70000],
      [''],
      ['a\nb'],
      [],
      ['a', 1, 2],
    ] as unknown[][]) {
      const e = await rejects<OpenSSHError>((openTunnel as (...a: unknown[]) => Promise<unknown>)(ssh, {}, ...args));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT', JSON.stringify(args));
    }
    await rejects<OpenSSHError>(
      openTunnel(ssh, { stdinData: 'x' } as never, '127.0.0.1', 1),
      (e) => e.code === 'OSSH_INVALID_ARGUMENT',
    );
  });

  test(
    'local forward on the running master carries traffic, ' +
      'survives a cancel with a connection open, and is gone after',
    async () => {
      const port = await freePort();
      const fwd = await addForward(ssh, {
        local: { host: '127.0.0.1', port },
        to: { host: '127.0.0.1', port: echoPort },
      });
      assert.is(fwd.port, port);
      assert.is((await roundTrip(port, 'via -L')).toString(), 'echo:via -L');
      // a connection that stays open across the cancel
      const open = connect(port, '127.0.0.1');
      await new Promise((r) => open.once('connect', r));
      open.write('before');
      await new Promise((r) => open.once('data', r));
      await fwd.cancel();
      const after = new Promise<Buffer>((r) => open.once('data', r));
      open.write('after');
      assert.is((await after).toString(), 'echo:after');
      open.destroy();
      await rejects(roundTrip(port, 'x'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
      assert.is(await ssh.checkMaster(), true);
    },
  );

  test('remote forward on port 0 reports the allocated port, carries traffic, and is cancelled', async () => {
    const fwd = await addForward(ssh, {
      remote: { host: '127.0.0.1', port: 0 },
      to: { host: '127.0.0.1', port: echoPort },
    });
    assert.type(fwd.port, 'number');
    assert.ok(fwd.port! > 0);
    // the "remote" side is this machine: sshd listens on the allocated port
    assert.is((await roundTrip(fwd.port!, 'via -R')).toString(), 'echo:via -R');
    await fwd.cancel();
    // sshd drops its listener when it has handled the cancel, a moment after `ssh -O cancel` returns
    const refused = () =>
      roundTrip(fwd.port!, 'x').then(
        () => false,
        (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
      );
    assert.ok(await eventually(refused, 5000, 100), 'the remote listener is gone');
    assert.is(await ssh.checkMaster(), true);
  });

  test('local and dynamic forwards on port 0: a free port is chosen, reported, carries traffic, cancels', async () => {
    const local = await addForward(ssh, { local: 0, to: { host: '127.0.0.1', port: echoPort } });
    assert.type(local.port, 'number');
    assert.ok(local.port! > 0);
    assert.ok(local.spec.startsWith(`${local.port}:`), local.spec);
    assert.is((await roundTrip(local.port!, 'via -L 0')).toString(), 'echo:via -L 0');
    const dyn = await addForward(ssh, { dynamic: { host: '127.0.0.1', port: 0 } });
    assert.ok(dyn.port! > 0 && dyn.port !== local.port);
    assert.is(dyn.spec, `127.0.0.1:${dyn.port}`);
    const c = connect(dyn.port!, '127.0.0.1');
    await new Promise((r) => c.once('connect', r));
    c.write(Buffer.from([5, 1, 0]));
    assert.equal([...(await new Promise<Buffer>((r) => c.once('data', r)))], [5, 0], 'a SOCKS5 server answers');
    c.destroy();
    await local.cancel();
    await dyn.cancel();
    await rejects(roundTrip(local.port!, 'x'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
    assert.is(await ssh.checkMaster(), true);
  });

  test('dynamic forward (SOCKS5) reaches the echo server, and is cancelled', async () => {
    const port = await freePort();
    const fwd = await addForward(ssh, { dynamic: { host: '127.0.0.1', port } });
    const c = connect(port, '127.0.0.1');
    const read = () => new Promise<Buffer>((r) => c.once('data', r));
    await new Promise((r) => c.once('connect', r));
    c.write(Buffer.from([5, 1, 0]));
    assert.equal([...(await read())], [5, 0]);
    const req = Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, echoPort >> 8, echoPort & 255]);
    c.write(req);
    assert.is((await read())[1], 0, 'SOCKS5 request granted');
    c.write('socks');
    assert.is((await read()).toString(), 'echo:socks');
    c.destroy();
    await fwd.cancel();
    assert.is(await ssh.checkMaster(), true);
  });

  test('forward errors: a port in use, bad specs', async () => {
    const e = await rejects<OpenSSHError>(
      addForward(ssh, { local: { host: '127.0.0.1', port: echoPort }, to: { host: '127.0.0.1', port: 9 } }),
    );
    assert.is(e.code, 'OSSH_SLAVE_FAILED');
    assert.ok(e.message.includes(`127.0.0.1:${echoPort}:127.0.0.1:9`), e.message);
    for (const bad of [
      { local: -1, to: { host: 'h', port: 1 } },
      { local: 1, to: { host: 'h', port: 0 } },
      { local: 1, to: { host: '-oX', port: 1 } },
      { dynamic: { path: 'a:b' } },
      { nope: 1 },
    ]) {
      assert.throws(
        () => forwardSpec(bad as never),
        (x: OpenSSHError) => x.code === 'OSSH_INVALID_ARGUMENT',
      );
    }
    assert.is(await ssh.checkMaster(), true);
  });
}

test.run();
