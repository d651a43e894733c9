// Password, passphrase and custom-prompt logins on the master's pty, against real sshds that accept
// passwords (this file's own, not the shared one). Wrong secrets fail fast with a message saying which.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, OpenSSHError, type MasterStateName, type OpenSSHOptions } from '../../src/index';
import { startSshd, type SshdFixture } from '../fixtures/sshd';
import { rejects, strict } from '../helpers/setup';
import { PW, PW_USER, bareOpts, ensurePasswordUser, passphraseKey } from './login-accounts';

strict();
const test = suite('e2e: login on a pty');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-login-'));
// A banner with a complete line ending in ':' (Net::OpenSSH would answer it with the password; we wait for the prompt
// line).
const banner = join(scratch, 'banner');
writeFileSync(banner, 'Notice to users:\nThis is the net-openssh test server.\n', { mode: 0o644 });
// A banner that ends in ':' without a line break: only a custom prompt tells it from ssh's prompt.
const trickyBanner = join(scratch, 'tricky-banner');
writeFileSync(trickyBanner, 'Type the password of this account after the colon:', { mode: 0o644 });

const pwOk = ensurePasswordUser();
const f = pwOk
  ? await startSshd({ passwordAuth: true, users: [PW_USER], extraConfig: [`Banner ${banner}`] })
  : undefined;
const tricky =
  pwOk && f
    ? await startSshd({ passwordAuth: true, users: [PW_USER], extraConfig: [`Banner ${trickyBanner}`] })
    : undefined;

const open = new Set<OpenSSH>();
test.after(async () => {
  await Promise.all([...open].map((s) => s.disconnect()));
  await f?.stop();
  await tricky?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const pwDest = (fx: SshdFixture, pw?: string) => `${PW_USER}${pw === undefined ? '' : `:${pw}`}@127.0.0.1:${fx.port}`;
const make = (fx: SshdFixture, dest: string, o: OpenSSHOptions = {}) => {
  const ssh = new OpenSSH(dest, {
    ctlDir: fx.ctlDir,
    masterOpts: bareOpts(fx, 'INFO'),
    defaultSshOpts: bareOpts(fx),
    timeout: 20,
    ...o,
  });
  open.add(ssh);
  return ssh;
};
const states = (ssh: OpenSSH): MasterStateName[] => {
  const seen: MasterStateName[] = [];
  ssh.state$.subscribe((s) => seen.push(s.name));
  return seen;
};
const loginFailure = async (ssh: OpenSSH, re: RegExp): Promise<OpenSSHError> => {
  const e = await rejects<OpenSSHError>(ssh.waitForMaster());
  assert.instance(e, OpenSSHError);
  assert.is(e.code, 'OSSH_MASTER_FAILED');
  assert.match(e.message, re);
  assert.not.match(e.message, /timeout/); // failed by itself, not by the login timeout
  return e;
};

if (f && tricky) {
  test('password option: the login state, then commands as that user; the pty log is dropped on success', async () => {
    const ssh = make(f, pwDest(f), { password: PW });
    const seen = states(ssh);
    await ssh.waitForMaster();
    assert.is(await ssh.capture('id', '-un'), `${PW_USER}\n`);
    assert.equal(seen.slice(0, 4), ['connecting', 'login', 'awaiting_mux', 'running']);
    assert.is(ssh.getMasterPtyLog(), '');
  });

  test('the banner (a complete line ending in ":") is shown but not answered', async () => {
    const lines: string[] = [];
    const [mask, sink] = [OpenSSH.debug, OpenSSH.debugSink];
    OpenSSH.debug = 'connect';
    OpenSSH.debugSink = (l) => lines.push(l);
    try {
      const ssh = make(f, pwDest(f), { password: PW });
      await ssh.waitForMaster();
      assert.is(await ssh.capture('echo', 'ok'), 'ok\n');
    } finally {
      OpenSSH.debug = mask;
      OpenSSH.debugSink = sink;
    }
    assert.ok(
      lines.some((l) => l.includes('Notice to users:')),
      'the banner went through the pty',
    );
    assert.is(lines.filter((l) => l.includes('answering the password prompt')).length, 1);
  });

  test('user:password@host destination', async () => {
    const ssh = make(f, pwDest(f, PW));
    assert.is(await ssh.capture('id', '-un'), `${PW_USER}\n`);
    assert.is(ssh.toString(), `${PW_USER}@127.0.0.1:${f.port}`);
  });

  test(
    'wrong password: OSSH_MASTER_FAILED saying the password was ' +
      'refused; the pty log shows the prompt, never the secret',
    async () => {
      const ssh = make(f, pwDest(f), { password: 'not-the-password' });
      const e = await loginFailure(ssh, /the password was refused/);
      const log = ssh.getMasterPtyLog();
      assert.match(log, /password:/);
      assert.match(log, /Permission denied/);
      for (const text of [e.message, e.stderr ?? '', log]) assert.not.ok(text.includes('not-the-password'));
      assert.is(ssh.state.name, 'failed');
    },
  );

  test('passphrase + keyPath: the key is unlocked on the pty', async () => {
    const key = passphraseKey(f, 'key phrase: 42?');
    const ssh = make(f, `${f.user}@127.0.0.1:${f.port}`, { keyPath: key, passphrase: 'key phrase: 42?' });
    const seen = states(ssh);
    assert.is(await ssh.capture('id', '-un'), `${f.user}\n`);
    assert.ok(seen.includes('login'));
  });

  test('wrong passphrase: ssh asks again, which fails at once saying the passphrase was refused', async () => {
    const key = passphraseKey(f, 'key phrase: 42?');
    const ssh = make(f, `${f.user}@127.0.0.1:${f.port}`, { keyPath: key, passphrase: 'wrong phrase' });
    const e = await loginFailure(ssh, /the passphrase was refused/);
    assert.match(ssh.getMasterPtyLog(), /Enter passphrase for key/);
    assert.not.ok(e.message.includes('wrong phrase') || ssh.getMasterPtyLog().includes('wrong phrase'));
  });

  test('passwordPrompt: a banner ending in ":" is not taken for the prompt', async () => {
    const ssh = make(tricky, pwDest(tricky), { password: PW, passwordPrompt: "'s password:" });
    assert.is(await ssh.capture('id', '-un'), `${PW_USER}\n`);
  });

  test('passwordPrompt as a RegExp', async () => {
    const ssh = make(tricky, pwDest(tricky), { password: PW, passwordPrompt: /password: *$/ });
    assert.is(await ssh.capture('echo', 'ok'), 'ok\n');
  });

  test('loginHandler drives the dialogue (called again until it says done)', async () => {
    const calls: string[] = [];
    const ssh = make(tricky, pwDest(tricky), {
      loginHandler: (self, pty, data) => {
        assert.is(self, ssh);
        calls.push(data);
        if (!/'s password: *$/.test(data)) return false;
        pty.write(`${PW}\r`);
        return true;
      },
    });
    assert.is(await ssh.capture('id', '-un'), `${PW_USER}\n`);
    assert.ok(calls.length >= 1);
    assert.ok(calls.some((d) => d.includes('after the colon:')));
  });

  test('a loginHandler that throws fails the login with its message', async () => {
    const ssh = make(tricky, pwDest(tricky), {
      loginHandler: (_s, _pty, data) => {
        if (data.includes('password')) throw new Error('no idea what to answer');
        return false;
      },
    });
    await loginFailure(ssh, /custom login handler failed: no idea what to answer/);
  });

  test('an async loginHandler may reject', async () => {
    const ssh = make(tricky, pwDest(tricky), { loginHandler: async () => Promise.reject(new Error('async refusal')) });
    await loginFailure(ssh, /custom login handler failed: async refusal/);
  });

  test(
    'masterPtyForce with an unknown host key: fails at ' + 'once with the known_hosts message and the pty log',
    async () => {
      const opts = bareOpts(f).map((o) =>
        o.startsWith('UserKnownHostsFile=')
          ? 'UserKnownHostsFile=/dev/null'
          : o.replace('StrictHostKeyChecking=yes', 'StrictHostKeyChecking=ask'),
      );
      const ssh = new OpenSSH(pwDest(f), {
        ctlDir: f.ctlDir,
        masterOpts: opts,
        masterPtyForce: true,
        password: PW,
        timeout: 20,
      });
      open.add(ssh);
      await loginFailure(ssh, /authenticity of the target host can't be established/);
      assert.match(ssh.getMasterPtyLog(), /yes\/no/);
    },
  );

  test('several password logins at once, polled with waitForMaster(true), while a timer keeps firing', async () => {
    const hosts = ['127.0.0.1', 'localhost', '[::1]'];
    const conns = hosts.map((h) => make(f, `${PW_USER}@${h}:${f.port}`, { password: PW, async: true }));
    const ticksDuringLogin: number[] = conns.map(() => 0);
    let maxLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 5);
      last = now;
      conns.forEach((c, i) => {
        if (c.state.name === 'login' || c.state.name === 'awaiting_mux') ticksDuringLogin[i]!++;
      });
    }, 5);
    const results: Array<boolean | undefined> = conns.map(() => undefined);
    while (results.some((r) => r === undefined)) {
      conns.forEach((c, i) => {
        results[i] = c.waitForMaster(true);
      });
      await new Promise((r) => setTimeout(r, 10));
    }
    clearInterval(timer);
    console.log(`  ${hosts.length} password logins at once: the 5 ms timer was at most ${maxLag.toFixed(1)} ms late`);
    assert.equal(results, [true, true, true]);
    // the loop kept running while each login was answered on its pty
    for (const n of ticksDuringLogin) assert.ok(n > 0);
    const users = await Promise.all(conns.map((c) => c.capture('id', '-un')));
    assert.equal(
      users,
      hosts.map(() => `${PW_USER}\n`),
    );
  });

  test('bad option values never echo a secret', () => {
    const e = (() => {
      try {
        new OpenSSH('u@h', { password: 'line\nbreak-secret' });
      } catch (x) {
        return x as OpenSSHError;
      }
      return undefined;
    })();
    assert.is(e?.code, 'OSSH_INVALID_ARGUMENT');
    assert.not.ok(e?.message.includes('break-secret'));
    const e2 = (() => {
      try {
        new OpenSSH('u:hunter2-secret@bad host', {});
      } catch (x) {
        return x as OpenSSHError;
      }
      return undefined;
    })();
    assert.is(e2?.code, 'OSSH_INVALID_ARGUMENT');
    assert.not.ok(e2?.message.includes('hunter2'));
  });
}

test.run();
