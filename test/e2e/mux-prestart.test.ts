// Prestarted sessions (muxPrestart, opt-in): a command evaluated by a login shell already running must behave
// as sshd's own `$SHELL -c command`: compared call by call with a connection that does not prestart.
// Shells it does not suit (bash for root here) and servers that force a command never get a command line.
import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenSSHError, OpenSSH } from '../../src/index';
import { sharedSshd, startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { eventually, strict } from '../helpers/setup';

strict();
const test = suite('e2e: mux prestarted sessions');
const f = await sharedSshd();
test.after.each(disconnectAll); // a test counts the waiting shells on the server: only its own connections may have any

interface MuxStats {
  prestart: boolean;
  warm: boolean;
}
const stats = (ssh: OpenSSH): MuxStats => (ssh as unknown as { engines: { muxStats(): MuxStats } }).engines.muxStats();
/** What a call gives: output, or the error's code, exit code and stderr. */
const outcome = (p: Promise<[string, string]>) =>
  p.then(
    ([out, err]) => ({ out, err }),
    (e: OpenSSHError) => ({ code: e.code, exitCode: e.exitCode, out: e.stdout, err: e.stderr?.replace(/eval: /, '') }),
  );
const PRESTART = { engine: 'mux', muxPrestart: true } as const;
/** The parent pid of a local process, or undefined once it is gone. */
const parentOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
};
/** Pids of the prestarted shells waiting under `sshd` (the server is local): only this run's own. */
const ourShells = (sshd: { pid: number | undefined }): number[] => {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone
    }
    if (argv[0] !== 'sh' || argv[1] !== '-c' || !/^case .*NET_OPENSSH_READY_/.test(argv[2] ?? '')) continue;
    for (let p: number | undefined = Number(d); p !== undefined && p > 1; p = parentOf(p)) {
      if (p === sshd.pid) {
        out.push(Number(d));
        break;
      }
    }
  }
  return out;
};

if (f) {
  test('the test account’s plain sh is prestarted, and every call gives what a plain exec gives', async () => {
    const fast = connect(f, PRESTART);
    const plain = connect(f, { engine: 'mux' }); // the default: no prestarting
    await Promise.all([fast.capture('true'), plain.capture('true')]);
    assert.ok(await eventually(() => stats(fast).prestart && stats(fast).warm), 'prestarting is on');
    assert.is(stats(plain).prestart, false);
    const calls: Array<[string, (ssh: OpenSSH) => Promise<[string, string]>]> = [
      ['$0, $#, IFS', (s) => s.capture2('echo "$0 $#"; printf %s "$IFS" | od -An -c')],
      [
        'our variable is gone',
        (s) => s.capture2('echo "[${__net_openssh_cmd-unset}]"; set | grep -c __net_openssh || true'),
      ],
      ['exit status', (s) => s.capture2('echo out; echo err >&2; exit 3')],
      ['not found', (s) => s.capture2('no-such-command-here')],
      ['stdin after the command line', (s) => s.capture2({ stdinData: 'first\nsecond\n' }, 'cat; echo end')],
      ['a read of stdin', (s) => s.capture2({ stdinData: 'line one\n' }, 'read x; echo "got $x"')],
      ['quoting of an argv', (s) => s.capture2('printf', '[%s]', 'a b', "it's", '$HOME', '*', '')],
      ['per-call env (a plain exec)', (s) => s.capture2({ env: { NET_OPENSSH_X: 'v' } }, 'echo "$NET_OPENSSH_X"')],
      ['a two-line command (a plain exec)', (s) => s.capture2('echo one\necho two')],
      ['a long command (a plain exec)', (s) => s.capture2(`echo ${'x'.repeat(3000)} | wc -c`)],
      ['the parent is sshd', (s) => s.capture2('ps -o comm= -p $PPID')],
    ];
    for (const [what, call] of calls) assert.equal(await outcome(call(fast)), await outcome(call(plain)), what);
    assert.ok(stats(fast).prestart, 'still prestarting');
  });

  test('with room for one session, a call the prestarted shell cannot take is not stuck behind it', async () => {
    const ssh = connect(f, { ...PRESTART, maxSessions: 2 }); // one session at a time: the warm one holds it
    await ssh.capture('true');
    assert.ok(await eventually(() => stats(ssh).prestart && stats(ssh).warm));
    assert.is(await ssh.capture({ env: { NET_OPENSSH_X: 'v' } }, 'echo "$NET_OPENSSH_X"'), 'v\n');
    assert.ok(await eventually(() => stats(ssh).warm));
    assert.is(await ssh.capture('echo one\necho two'), 'one\ntwo\n');
    assert.is(await ssh.capture('echo fast'), 'fast\n');
  });

  test('unsubscribing reaches a prestarted command: the remote process is gone', async () => {
    const ssh = connect(f, PRESTART);
    const watcher = connect(f, { engine: 'spawn' });
    await ssh.capture('true');
    assert.ok(await eventually(() => stats(ssh).prestart && stats(ssh).warm));
    let pid = '';
    const sub = ssh
      .exec$('echo $$; exec sleep 30')
      .subscribe((e) => void (e.type === 'stdout' && (pid = e.data.toString().trim())));
    assert.ok(await eventually(() => pid !== ''));
    sub.unsubscribe();
    assert.ok(
      await eventually(async () => !(await watcher.test('kill', '-0', pid))),
      'the unsubscribed command is gone',
    );
  });

  test(
    'prestarted shells killed while they wait: the next command ' +
      'still runs, prestarting stays on; disconnect leaves none behind',
    async () => {
      const ssh = connect(f, PRESTART);
      await ssh.capture('true');
      assert.ok(await eventually(() => stats(ssh).prestart && ourShells(f).length >= 1), 'a shell waits');
      const killed = ourShells(f);
      for (const pid of killed) process.kill(pid, 'SIGTERM');
      // the engine hears of each death (their sessions close) and starts new shells in their place; a command sent
      // in the instant between a kill and its news goes to the dead shell and ends as a killed command would
      const replaced = () => ourShells(f).filter((p) => !killed.includes(p)).length >= killed.length;
      assert.ok(await eventually(() => replaced() && !ourShells(f).some((p) => killed.includes(p))), 'new shells wait');
      assert.is(await ssh.capture('echo after'), 'after\n');
      assert.ok(stats(ssh).prestart);
      await ssh.disconnect();
      assert.ok(await eventually(() => ourShells(f).length === 0), 'no waiting shell left on the server');
    },
  );

  test('off by default: a connection without muxPrestart runs every command as a plain exec', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const fast = connect(f, PRESTART); // the same checks fail there: they can tell the two apart
    await Promise.all([ssh.capture('true'), fast.capture('true')]);
    assert.ok(await eventually(() => stats(ssh).warm && stats(fast).prestart && ourShells(f).length >= 1));
    assert.is(stats(ssh).prestart, false);
    const self = (s: OpenSSH) => s.capture('ps -o args= -p $$');
    const notFound = (s: OpenSSH) =>
      s.capture2('no-such-command-here').then(
        ([, err]) => err,
        (e: OpenSSHError) => e.stderr ?? '',
      );
    const shows = async () => /NET_OPENSSH_READY_/.test(await self(fast));
    assert.ok(await eventually(shows), 'a prestarted shell shows its script');
    assert.match(await notFound(fast), /eval: /);
    await fast.disconnect();
    assert.ok(await eventually(() => ourShells(f).length === 0), 'only the default connection is left');
    for (let i = 0; i < 3; i++) {
      assert.not.match(await self(ssh), /NET_OPENSSH_READY_/, 'the shell runs the command itself');
      const err = await notFound(ssh);
      assert.match(err, /no-such-command-here/);
      assert.not.match(err, /eval/);
    }
    assert.is(ourShells(f).length, 0, 'no prestarted shell waits for the default connection');
  });
}

// a login shell the fast path does not suit: root's bash (CI runs as root)
const asRoot =
  process.getuid?.() === 0 && f
    ? await startSshd({ users: ['root'], extraConfig: ['PermitRootLogin prohibit-password'] })
    : undefined;
if (!asRoot) console.log('  (bash-login test skipped: it needs to run as root to log in as root)');
// a server that forces its own command: the command line must never reach it
const forced = f ? await startSshd({ extraConfig: ['ForceCommand cat'] }) : undefined;
test.after(async () => {
  await asRoot?.stop();
  await forced?.stop();
});

if (asRoot) {
  test('bash as the login shell: prestarting stops after one try, commands run as plain execs', async () => {
    const ssh = connect(asRoot, PRESTART, `root@127.0.0.1:${asRoot.port}`);
    assert.is(await ssh.capture('echo $0'), 'bash\n');
    assert.ok(await eventually(() => !stats(ssh).prestart), 'prestarting is off');
    assert.equal(await Promise.all([ssh.capture('echo a'), ssh.capture('exit 0')]), ['a\n', '']);
  });
}

if (forced) {
  test('ForceCommand: the forced command never gets a command line on its stdin', async () => {
    const ssh = connect(forced, PRESTART);
    for (let i = 0; i < 4; i++)
      assert.is(await ssh.capture('echo secret-line'), '', `call ${i}: cat got an empty stdin`);
    assert.is(await ssh.capture({ stdinData: 'data\n' }, 'echo secret-line'), 'data\n', 'only the data we sent');
  });
}

test.run();
