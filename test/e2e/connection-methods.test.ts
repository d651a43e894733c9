// The connection's own methods for transfers, tunnels, forwards, fleets and zx: each reaches the same code
// as the function it wraps (tested at length in test/transfers, test/tunnels, test/fleet, test/zx), and
// records its error on `ssh.error` as every other method does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, OpenSSHError, raw } from '../../src/index';
import { remote$ } from '../../src/zx/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: transfer, tunnel, fleet and zx methods on the connection');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-methods-'));
chmodSync(scratch, 0o777);
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
let n = 0;
const dir = (name: string): string => {
  const d = join(scratch, `${++n}-${name}`);
  mkdirSync(d);
  chmodSync(d, 0o777);
  return d;
};
let ssh: OpenSSH;
let echo: Server;
let echoPort = 0;

test.before(async () => {
  if (!f) return;
  ssh = connect(f);
  await ssh.waitForMaster();
  echo = createServer((c) => c.on('data', (d) => c.end(`echo:${d}`)).on('error', () => {}));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});
test.after(async () => {
  await disconnectAll();
  await new Promise((r) => echo?.close(r));
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('scpPut / scpGet round trip a file; a missing remote file is an error on ssh.error', async () => {
    const l = dir('l');
    const r = dir('r');
    writeFileSync(join(l, 'a.bin'), randomBytes(100_000));
    chmodSync(join(l, 'a.bin'), 0o644);
    assert.is(await ssh.scpPut({ stderrDiscard: true }, join(l, 'a.bin'), join(r, 'a.bin')), true);
    const back = dir('back');
    assert.is(await ssh.scpGet({ stderrDiscard: true }, join(r, 'a.bin'), join(back, 'a.bin')), true);
    assert.is(sha(join(back, 'a.bin')), sha(join(l, 'a.bin')));
    const e = await rejects<OpenSSHError>(ssh.scpGet({ stderrDiscard: true }, join(r, 'missing'), back));
    assert.instance(e, OpenSSHError);
    assert.is(ssh.error, e);
  });

  test(
    'expandVars: %VAR% in transfer paths (local and remote) ' + 'is expanded as in commands; off, it stays literal',
    async () => {
      const l = dir('l');
      const r = dir('r');
      writeFileSync(join(l, 'v.txt'), 'vars');
      const x = connect(f!, { expandVars: true, vars: { SRC: l, DST: r } });
      assert.is(await x.scpPut({ stderrDiscard: true }, '%SRC%/v.txt', '%DST%/%HOST%.txt'), true);
      assert.is(readFileSync(join(r, `${x.getHost()}.txt`), 'utf8'), 'vars');
      assert.is(await x.rsyncGet({ stderrDiscard: true }, '%DST%/%HOST%.txt', '%SRC%/back.txt'), true);
      assert.is(readFileSync(join(l, 'back.txt'), 'utf8'), 'vars');
      assert.is(x.getExpandVars(), true);
      x.setExpandVars(false);
      assert.is(x.getExpandVars(), false);
      const e = await rejects<OpenSSHError>(x.scpPut({ stderrDiscard: true }, '%SRC%/v.txt', r));
      assert.match(e.message, '%SRC%');
    },
  );

  test('rsyncPut / rsyncGet with an rsync long option passed through', async () => {
    const l = dir('l');
    writeFileSync(join(l, 'keep.txt'), 'keep');
    writeFileSync(join(l, 'skip.txt~'), 'skip');
    const r = dir('r');
    assert.is(await ssh.rsyncPut({ recursive: true, exclude: '*~', stderrDiscard: true }, `${l}/`, r), true);
    const back = dir('back');
    assert.is(await ssh.rsyncGet({ recursive: true, stderrDiscard: true }, `${r}/`, back), true);
    assert.is(readFileSync(join(back, 'keep.txt'), 'utf8'), 'keep');
    assert.throws(() => readFileSync(join(back, 'skip.txt~')));
  });

  test(
    'tool binaries from the constructor: scpCmd follows ' + 'sshCmd, rsyncCmd is used, the per-call option wins',
    async () => {
      const probe = new OpenSSH(
        f!.destination,
        f!.options({ connect: false, sshCmd: '/usr/bin/ssh', rsyncCmd: '/nonexistent/rsync' }),
      );
      assert.is(probe.getCmd('scp'), '/usr/bin/scp');
      assert.is(probe.getCmd('rsync'), '/nonexistent/rsync');
      assert.is(probe.getCmd('sshfs'), 'sshfs');
      const other = connect(f!, { rsyncCmd: '/nonexistent/rsync' });
      const l = dir('l');
      writeFileSync(join(l, 'x'), 'x');
      const e = await rejects<OpenSSHError>(other.rsyncPut({ stderrDiscard: true }, join(l, 'x'), dir('r')));
      assert.match(e.message, '/nonexistent/rsync');
      assert.is(await other.rsyncPut({ rsyncCmd: 'rsync', stderrDiscard: true }, join(l, 'x'), dir('r')), true);
    },
  );

  test('openTunnel and captureTunnel, with and without leading options', async () => {
    const t = await ssh.openTunnel('127.0.0.1', echoPort);
    const reply = new Promise<string>((r) => t.socket.once('data', (d: Buffer) => r(d.toString())));
    t.socket.write('one');
    assert.is(await reply, 'echo:one');
    await t.closed;
    assert.is(await ssh.captureTunnel({ stdinData: 'two' }, '127.0.0.1', echoPort), 'echo:two');
    const e = await rejects<OpenSSHError>(ssh.openTunnel('127.0.0.1', 0));
    assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
  });

  test('tunnel: true on capture / system / openEx / makeRemoteCommand: (host, port) instead of a command', async () => {
    assert.is(await ssh.capture({ tunnel: true, stdinData: 'cap' }, '127.0.0.1', echoPort as never), 'echo:cap');
    const out = join(dir('t'), 'out.txt');
    await ssh.system({ tunnel: true, stdinData: 'sys', stdoutFile: out }, '127.0.0.1', String(echoPort));
    assert.is(readFileSync(out, 'utf8'), 'echo:sys');
    const p = await ssh.openEx({ tunnel: true, stdinPipe: true, stdoutPipe: true }, '127.0.0.1', String(echoPort));
    const reply = new Promise<string>((r) => p.stdout!.once('data', (d: Buffer) => r(d.toString())));
    p.stdin!.end('ex');
    assert.is(await reply, 'echo:ex');
    await p.exit;
    const argv = await ssh.makeRemoteCommand({ tunnel: true }, '127.0.0.1', String(echoPort));
    assert.is(argv[argv.indexOf('-W') + 1], `127.0.0.1:${echoPort}`);
    for (const args of [['127.0.0.1'], ['127.0.0.1', '0'], ['-oProxyCommand=x', '22'], ['127.0.0.1', 'http']]) {
      const e = await rejects<OpenSSHError>((async () => ssh.capture({ tunnel: true }, ...(args as [string])))());
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT', args.join(' '));
    }
  });

  test(
    'stdinoutDpipe: a local command talks to the remote one (system, ' +
      'openEx with make-parent); a missing one is a pipe error',
    async () => {
      const d = dir('dp');
      const said = join(d, 'said');
      // local: says ping, reads the remote echo back, writes it down; remote: cat (echoes until EOF)
      const local = ['sh', '-c', `echo ping; read line; echo "got $line" > ${said}`];
      for (const engine of ['mux', 'spawn'] as const) {
        assert.is(await ssh.system({ engine, stdinoutDpipe: local }, 'cat'), true);
        assert.is(readFileSync(said, 'utf8'), 'got ping\n', engine);
        rmSync(said);
      }
      const p = await ssh.openEx(
        { stdinoutDpipe: `echo pong; read line; echo "got $line" > ${said}`, stdinoutDpipeMakeParent: true },
        'cat',
      );
      assert.is(p.stdin, undefined);
      assert.type(p.pid, 'number');
      assert.match(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8'), '/bin/sh', 'the pid is the local command');
      assert.equal(await p.exit, { code: 0, signal: null });
      assert.is(readFileSync(said, 'utf8'), 'got pong\n');
      const e = await rejects<OpenSSHError>(ssh.system({ stdinoutDpipe: ['/nonexistent/cmd'] }, 'cat'));
      assert.is(e.code, 'OSSH_SLAVE_PIPE_FAILED');
      assert.match(e.message, '/nonexistent/cmd');
      const bad = await rejects<OpenSSHError>(ssh.system({ stdinoutDpipe: 'x', stdinData: 'y' }, 'cat'));
      assert.is(bad.code, 'OSSH_INVALID_ARGUMENT');
    },
  );

  test(
    'bulk output through the mux engine arrives byte for byte ' + 'on stdout and stderr (frames spanning socket reads)',
    async () => {
      const d = dir('bulk');
      const file = join(d, 'rand.bin');
      writeFileSync(file, randomBytes(8 * 1024 * 1024 + 12345), { mode: 0o644 });
      const want = sha(file);
      for (const redirect of ['', ' >&2']) {
        const p = await ssh.openEx({ engine: 'mux', stdoutPipe: true, stderrPipe: true }, `cat ${file}${redirect}`);
        const hashes = ['stdout', 'stderr'].map((k) => {
          const h = createHash('sha256');
          (p as unknown as Record<string, NodeJS.ReadableStream>)[k]!.on('data', (c: Buffer) => h.update(c));
          return h;
        });
        assert.equal(await p.exit, { code: 0, signal: null });
        assert.is(hashes[redirect ? 1 : 0]!.digest('hex'), want, redirect ? 'stderr' : 'stdout');
      }
    },
  );

  test(
    'addForward: a remote forward on port 0 reaches the ' + 'echo server from the remote side; cancel() drops it',
    async () => {
      const fwd = await ssh.addForward({
        remote: { host: '127.0.0.1', port: 0 },
        to: { host: '127.0.0.1', port: echoPort },
      });
      assert.ok(fwd.port! > 0, 'the server allocated a port');
      assert.is(await ssh.captureTunnel({ stdinData: 'three' }, '127.0.0.1', fwd.port!), 'echo:three');
      await fwd.cancel();
      const e = await rejects<OpenSSHError>(ssh.captureTunnel({ stdinData: 'four' }, '127.0.0.1', fwd.port!));
      assert.instance(e, OpenSSHError);
    },
  );

  test('remote$(ssh) runs on the remote host with interpolations quoted; OpenSSH.fleet merges hosts', async () => {
    const word = "it's $HOME; `x`";
    const out = await remote$(ssh)`printf %s ${word}`;
    assert.is(out.stdout, word);
    const fl = OpenSSH.fleet(
      [
        { destination: f.destination, name: 'a' },
        { destination: f.destination, name: 'b' },
      ],
      { options: f.options() },
    );
    try {
      const summary = await fl.exec('echo', raw('$((6*7))'));
      assert.is(summary.ok, 2);
      assert.is(summary.results.length, 2);
    } finally {
      await fl.close();
    }
  });
}

test.run();
