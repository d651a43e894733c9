// The leak check: a password and a passphrase never appear in the argv or environment of any process
// we start (masters, spawn-engine slaves, pty slaves), nor in debug output, errors, or the object's dump.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { OpenSSH, type OpenSSHOptions } from '../../src/index';
import { startSshd, type SshdFixture } from '../fixtures/sshd';
import { rejects, strict } from '../helpers/setup';
import { PW, PW_USER, bareOpts, ensurePasswordUser, passphraseKey } from './login-accounts';

strict();
const test = suite('e2e: secrets never leak');
const PHRASE = 'phrase-7f3a9c-unique';
const pwOk = ensurePasswordUser();
const f = pwOk ? await startSshd({ passwordAuth: true, users: [PW_USER] }) : undefined;
const lines: string[] = [];
let saved: [number, typeof OpenSSH.debugSink] = [0, OpenSSH.debugSink];
test.before(() => {
  // set here, not at import: test files share the process and its debug switch
  saved = [OpenSSH.debug, OpenSSH.debugSink];
  OpenSSH.debug = 'all';
  OpenSSH.debugSink = (l) => lines.push(l);
});
const open = new Set<OpenSSH>();
test.after(async () => {
  await Promise.all([...open].map((s) => s.disconnect()));
  OpenSSH.debug = saved[0];
  OpenSSH.debugSink = saved[1];
  await f?.stop();
});

/** Our descendants: every process whose parent chain reaches this process. */
const descendants = (): number[] => {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parent.get(pid), n = 0; p !== undefined && n < 64; p = parent.get(p), n++)
      if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter(isOurs);
};

/** Processes among `pids` whose cmdline or environ contains `secret` (the scan itself must see them all). */
const leaking = (pids: number[], secret: string): string[] => {
  const hits: string[] = [];
  for (const pid of pids) {
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${pid}/${file}`).includes(secret)) hits.push(`${pid}/${file}`);
      } catch {
        // exited meanwhile
      }
    }
  }
  return hits;
};

const make = (fx: SshdFixture, dest: string, o: OpenSSHOptions) => {
  const ssh = new OpenSSH(dest, {
    ctlDir: fx.ctlDir,
    masterOpts: bareOpts(fx),
    defaultSshOpts: bareOpts(fx),
    timeout: 20,
    ...o,
  });
  open.add(ssh);
  return ssh;
};

if (f) {
  const pwDest = `${PW_USER}@127.0.0.1:${f.port}`;

  test('password: master, spawn slaves, mux and pty slaves, while they run', async () => {
    const ssh = make(f, pwDest, { password: PW });
    await ssh.waitForMaster();
    const slave = await ssh.spawn({ engine: 'spawn' }, 'sleep 5');
    const mux = await ssh.spawn({ engine: 'mux' }, 'sleep 5');
    const pty = await ssh.open2pty('sleep 5');
    const pids = descendants();
    for (const p of [ssh.masterPid!, slave.pid!, pty.pid]) assert.ok(pids.includes(p), `pid ${p} is scanned`);
    assert.ok(readFileSync(`/proc/${ssh.masterPid}/environ`).length > 0, 'environ is readable');
    assert.equal(leaking(pids, PW), []);
    slave.close();
    mux.close();
    await pty.close();
    await ssh.capture('echo', 'ok');
  });

  test('passphrase: the master and its slaves', async () => {
    const key = passphraseKey(f, PHRASE);
    const ssh = make(f, `${f.user}@127.0.0.1:${f.port}`, { keyPath: key, passphrase: PHRASE });
    await ssh.waitForMaster();
    const slave = await ssh.spawn({ engine: 'spawn' }, 'sleep 5');
    const pids = descendants();
    for (const p of [ssh.masterPid!, slave.pid!]) assert.ok(pids.includes(p), `pid ${p} is scanned`);
    assert.equal(leaking(pids, PHRASE), []);
    slave.close();
  });

  test('wrong secrets: errors, stderr, pty log and debug output hold none', async () => {
    const bad = 'wrong-pw-5b1e2d';
    const ssh = make(f, `${PW_USER}:${bad}@127.0.0.1:${f.port}`, {});
    const e = await rejects<Error & { stderr?: string }>(ssh.waitForMaster());
    const key = passphraseKey(f, PHRASE);
    const ssh2 = make(f, `${f.user}@127.0.0.1:${f.port}`, { keyPath: key, passphrase: 'wrong-phrase-0c4d' });
    const e2 = await rejects<Error & { stderr?: string }>(ssh2.waitForMaster());
    for (const [secret, err, conn] of [
      [bad, e, ssh],
      ['wrong-phrase-0c4d', e2, ssh2],
    ] as const) {
      for (const text of [
        err.message,
        err.stack ?? '',
        err.stderr ?? '',
        conn.getMasterPtyLog(),
        String(conn.error),
        inspect(err, { depth: 5 }),
      ])
        assert.not.ok(text.includes(secret), `secret in ${text.slice(0, 80)}`);
    }
  });

  test('the object itself: inspect, JSON, toString', async () => {
    const ssh = make(f, `${PW_USER}:${PW}@127.0.0.1:${f.port}`, { connect: false });
    for (const text of [inspect(ssh, { depth: 10, showHidden: true }), JSON.stringify(ssh) ?? '', String(ssh)])
      assert.not.ok(text.includes(PW));
    await ssh.disconnect();
  });

  test('debug output (all flags, including I/O hexdumps) never holds a secret, and it did record the logins', () => {
    const text = lines.join('\n');
    assert.ok(lines.length > 20);
    assert.match(text, /answering the password prompt/);
    assert.match(text, /answering the passphrase prompt/);
    for (const secret of [PW, PHRASE, 'wrong-pw-5b1e2d', 'wrong-phrase-0c4d'])
      assert.not.ok(text.includes(secret), secret);
  });
}

test.run();
