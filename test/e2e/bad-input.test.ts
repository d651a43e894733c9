// Bad input fails before anything runs, with an OpenSSHError whose message names the problem: malformed
// destinations, unknown options and wrong types, NUL bytes, ssh options that would change the control
// socket (in every spelling ssh accepts), unusable or unsafe ctlDirs. "Nothing runs" is checked twice:
// no process was started (every spawn, execFile and fork goes through ChildProcess.prototype.spawn,
// which is counted here and otherwise left alone) and a marker the command would write does not exist.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, OpenSSHError, type OpenSSHErrorCode, type OpenSSHOptions } from '../../src/index';
import { destinationArgs } from '../../src/core/master-args';
import type { Destination } from '../../src/core/destination';
import { sharedSshd, TEST_USER } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: bad input fails before anything runs');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-badinput-'));
chmodSync(scratch, 0o1777); // the remote account would write the marker here, were anything to run
const marker = join(scratch, 'ran');
const touch = `touch ${marker}`;
const isRoot = process.getuid?.() === 0;

const started: string[] = [];
// ChildProcess.prototype.spawn is internal (not in the types): every child of this process starts there
const proto = ChildProcess.prototype as unknown as { spawn: (o: { file: string; args: string[] }) => unknown };
const realSpawn = proto.spawn;
test.before(() => {
  proto.spawn = function (this: ChildProcess, o) {
    started.push(o.args.join(' '));
    return realSpawn.call(this, o);
  };
});
test.after(async () => {
  proto.spawn = realSpawn;
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Runs `attempt`, which must throw or reject with an OpenSSHError of `code` whose message matches `re`,
 * having started no process and run nothing. A connection it made by mistake is ended.
 */
const refused = async (
  label: string,
  attempt: () => unknown,
  re: RegExp,
  code: OpenSSHErrorCode = 'OSSH_INVALID_ARGUMENT',
) => {
  const before = started.length;
  let error: unknown;
  try {
    const made = await attempt();
    if (made instanceof OpenSSH) await made.disconnect();
  } catch (e) {
    error = e;
  }
  assert.instance(error, OpenSSHError, `${label}: expected an OpenSSHError, got ${String(error)}`);
  const e = error as OpenSSHError;
  assert.is(e.code, code, `${label}: ${e.message}`);
  assert.match(e.message, re, `${label}: the message names the problem (${e.message})`);
  assert.equal(started.slice(before), [], `${label}: no process was started`);
  assert.not.ok(existsSync(marker), `${label}: nothing ran`);
};

/** ssh option lists that would move a process off our control socket, each a spelling ssh accepts. */
const CONTROL_SPELLINGS: string[][] = [
  ['-oControlPath=/tmp/elsewhere'],
  ['-o', 'ControlPath=/tmp/elsewhere'],
  ['-o', 'ControlPath /tmp/elsewhere'],
  ['-oControlPath /tmp/elsewhere'],
  ['-o', 'controlpath=/tmp/elsewhere'],
  ['-o', 'CONTROLPATH=/tmp/elsewhere'],
  ['-o', ' ControlPath=/tmp/elsewhere'],
  ['-o', '=ControlPath=/tmp/elsewhere'],
  ['-o', '"ControlPath"=/tmp/elsewhere'],
  ['-qoControlPath=/tmp/elsewhere'],
  ['-qo', 'ControlPath=/tmp/elsewhere'],
  ['-v', '-o', 'ControlPath=/tmp/elsewhere'],
  ['-S', '/tmp/elsewhere'],
  ['-S/tmp/elsewhere'],
  ['-qS', '/tmp/elsewhere'],
  ['-oControlMaster=yes'],
  ['-o', 'ControlMaster yes'],
  ['-o', 'controlmaster=auto'],
  ['-M'],
  ['-qM'],
  ['-o', 'ControlPersist=yes'],
  ['-oControlPersist 1h'],
  ['-O', 'exit'],
  ['-Oexit'],
];
/** Words that are not options: ssh would read them as the destination and connect on its own. */
const NOT_OPTIONS: string[][] = [['--', 'elsewhere'], ['elsewhere'], ['-v', 'elsewhere'], ['-']];

test('every refused spelling is one ssh really obeys (ssh -G shows the control setting it makes)', () => {
  for (const opts of CONTROL_SPELLINGS) {
    if (opts.some((o) => /^-\w*O/.test(o))) continue; // -O is a control command, not a setting -G can show
    const out = spawnSync('ssh', ['-G', '-F', '/dev/null', ...opts, 'h'], { encoding: 'utf8' });
    assert.is(out.status, 0, `${opts.join(' ')}: ${out.stderr}`);
    assert.match(
      out.stdout,
      /^(controlpath =?\/tmp\/elsewhere|controlmaster (true|auto)|controlpersist (yes|3600))$/m,
      opts.join(' '),
    );
  }
});

test('malformed destinations: empty, blanks, line breaks, NUL, an option as host or user', async () => {
  const cases: Array<[unknown, RegExp, OpenSSHOptions?]> = [
    ['', /destination is empty/],
    ['   ', /destination is empty/],
    ['web 1', /must not contain spaces/],
    ['user@web1 -oProxyCommand=x', /must not contain spaces/],
    ['host\nother', /spaces or control characters/],
    ['ho\rst', /spaces or control characters/],
    ['ho\0st', /spaces or control characters/],
    [`-oProxyCommand=${touch}`, /spaces|begin with "-"/],
    ['-oProxyCommand=/tmp/x', /host name must not begin with "-"/],
    ['user@-oProxyCommand=/tmp/x', /host name must not begin with "-"/],
    ['-luser@host', /user in the destination must not begin with "-"/],
    ['-user@host', /user in the destination must not begin with "-"/],
    ['user@', /no host/],
    ['@host', /must not be empty/],
    ['ho$(id)st', /character no host name has/],
    ['host:22:ssh', /neither host:port nor an IPv6/],
    ['host:99999', /port in the destination must be an integer from 1 to 65535/],
    [42, /destination to be a string/],
    [undefined, /host name must not begin with "-"/, { host: '-oProxyCommand=/tmp/x' } as OpenSSHOptions],
    ['host', /`user` must not begin with "-"/, { user: '-oProxyCommand=/tmp/x' }],
    ['host', /`user` must not contain spaces/, { user: 'a b' }],
  ];
  for (const [dest, re, extra] of cases)
    await refused(
      `destination ${JSON.stringify(dest)}`,
      () => new OpenSSH(dest as string, { ...(f?.options() ?? {}), ...extra }),
      re,
    );
});

test('unknown options and wrong option types: the constructor', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ bogus: 1 }, /unknown option `bogus`/],
    [{ timeOut: 5 }, /unknown option `timeOut`/],
    [{ ctlDri: '/tmp', sshcmd: 'ssh' }, /unknown options `ctlDri`, `sshcmd`/],
    ['batchMode', /options to be an object/],
    [[1], /options to be an object/],
    [{ port: 'ssh' }, /`port` must be an integer/],
    [{ port: 70000 }, /`port` must be an integer from 1 to 65535/],
    [{ timeout: '5' }, /`timeout` to be a positive number/],
    [{ timeout: -1 }, /`timeout` to be a positive number/],
    [{ batchMode: 'yes' }, /`batchMode` to be a boolean/],
    [{ strictMode: 0 }, /`strictMode` to be a boolean/],
    [{ ctlDir: 5 }, /`ctlDir` to be a non-empty string/],
    [{ ctlDir: '' }, /`ctlDir` to be a non-empty string/],
    [{ masterOpts: [1] }, /`masterOpts` to be an array of strings/],
    [{ engine: 'fast' }, /`engine` to be one of 'auto', 'mux', 'spawn'/],
    [{ maxSessions: 1.5 }, /`maxSessions` to be a positive integer/],
    [{ externalMaster: true }, /`externalMaster` is set but `ctlPath` is not/],
    [{ remoteShell: 'cmd.exe' }, /cmd\.exe/],
    [{ password: 42 }, /`password` to be a string \(its value is not shown\)/],
  ];
  for (const [opts, re] of cases)
    await refused(
      `options ${JSON.stringify(opts)}`,
      () => new OpenSSH(f?.destination ?? 'h', opts as OpenSSHOptions),
      re,
    );
});

test('NUL bytes: in options, secrets, command arguments, file names and env values', async () => {
  await refused('ctlDir', () => new OpenSSH('h', { ctlDir: '/tmp/a\0b' }), /`ctlDir` must not contain a NUL byte/);
  await refused('keyPath', () => new OpenSSH('h', { keyPath: '/k\0' }), /`keyPath` must not contain a NUL byte/);
  await refused(
    'masterOpts',
    () => new OpenSSH('h', { masterOpts: ['-oUser=a\0b'] }),
    /`masterOpts` must not contain a NUL byte/,
  );
  await refused(
    'password',
    () => new OpenSSH('h', { password: 'pw\0' }),
    /`password` must not contain a line break or a NUL byte \(its value is not shown\)/,
  );
});

if (f) {
  let ssh: OpenSSH;
  test.before.each(async () => {
    ssh ??= connect(f);
    await ssh.waitForMaster();
  });

  test(
    'NUL bytes on a running connection: arguments, the ' + 'command line, file names, env, sshOpts (nothing starts)',
    async () => {
      await refused('argument', () => ssh.capture('touch', `${marker}\0x`), /NUL byte/);
      await refused('command line', () => ssh.capture(`${touch}\0`), /NUL byte/);
      await refused('Buffer argument', () => ssh.system('touch', Buffer.from(`${marker}\0`)), /NUL byte/);
      await refused('exec$ argument', () => ssh.exec$('touch', `${marker}\0`), /NUL byte/);
      // a lone surrogate has no UTF-8 form: refused before anything runs, not sent as U+FFFD
      await refused(
        'lone surrogate',
        () => ssh.capture('touch', `${marker}\uD800`),
        /character U\+D800 at offset \d+ of .* cannot be encoded in utf8/,
        'OSSH_ENCODING_ERROR',
      );
      await refused(
        'stdinFile',
        () => ssh.system({ stdinFile: '/etc/hostname\0' }, touch),
        /`stdinFile` must not contain a NUL byte/,
      );
      await refused(
        'stdoutFile',
        () => ssh.system({ stdoutFile: `${marker}\0` }, touch),
        /`stdoutFile` must not contain a NUL byte/,
      );
      await refused(
        'stderrFile',
        () => ssh.system({ stderrFile: ['a', `${marker}\0`] }, touch),
        /`stderrFile` must not contain a NUL byte/,
      );
      await refused(
        'env value',
        () => ssh.system({ env: { NET_OPENSSH_X: 'a\0b' } }, touch),
        /`env` value must not contain a NUL byte/,
      );
      await refused(
        'sshOpts',
        () => ssh.system({ sshOpts: ['-oUser=a\0b'] }, touch),
        /`sshOpts` must not contain a NUL byte/,
      );
      await refused('scpGet path', () => ssh.scpGet(`${marker}\0`, scratch), /NUL byte/);
      await refused('rsyncPut path', () => ssh.rsyncPut(`${marker}\0`, scratch), /NUL byte/);
      const sftp = await ssh.sftp();
      try {
        await refused('sftp path', () => sftp.remove(`${marker}\0.bak`), /sftp remove: the path contains a NUL byte/);
      } finally {
        await sftp.end();
      }
      assert.ok(await ssh.checkMaster(), 'the master is unharmed');
    },
  );

  test('unknown options and wrong option types on a call: rejected, nothing starts', async () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['capture bogus', () => ssh.capture({ bogus: 1 } as never, touch), /capture: unknown option `bogus`/],
      ['system typo', () => ssh.system({ stdoutfile: '/x' } as never, touch), /system: unknown option `stdoutfile`/],
      [
        'capture stdoutFile',
        () => ssh.capture({ stdoutFile: '/x' } as never, touch),
        /capture: unknown option `stdoutFile`/,
      ],
      ['exec$ bogus', () => ssh.exec$({ bogus: 1 } as never, touch), /exec\$: unknown option `bogus`/],
      ['timeout string', () => ssh.system({ timeout: '5' as never }, touch), /`timeout` to be a positive number/],
      ['timeout negative', () => ssh.system({ timeout: -1 }, touch), /`timeout` to be a positive number/],
      ['tty string', () => ssh.system({ tty: 'yes' as never }, touch), /`tty` to be a boolean/],
      ['engine', () => ssh.system({ engine: 'fast' as never }, touch), /`engine` to be one of/],
      ['stdinData number', () => ssh.system({ stdinData: 5 as never }, touch), /stdinData/],
      ['stdoutFh string', () => ssh.system({ stdoutFh: '/x' as never }, touch), /`stdoutFh` to be a Writable/],
      ['conflicting stdout', () => ssh.system({ stdoutDiscard: true, stdoutFile: '/x' }, touch), /conflicting stdout/],
      ['env name', () => ssh.system({ env: { 'A B': 'x' } }, touch), /`env` to be an object of NAME: string/],
      ['signal', () => ssh.system({ signal: {} as never }, touch), /AbortSignal/],
      ['encoding', () => ssh.system({ argumentEncoding: 'ebcdic' }, touch), /argument encoding/],
      ['sshOpts type', () => ssh.system({ sshOpts: [1] as never }, touch), /`sshOpts` to be an array of strings/],
    ];
    for (const [label, attempt, re] of cases) await refused(label, attempt, re);
  });

  test(
    'sshOpts (per call) cannot change the control socket ' + 'or master, in any spelling, nor name another host',
    async () => {
      for (const opts of CONTROL_SPELLINGS)
        await refused(
          `sshOpts ${JSON.stringify(opts)}`,
          () => ssh.system({ sshOpts: opts }, touch),
          /`sshOpts` must not change the control socket or master/,
        );
      for (const opts of NOT_OPTIONS)
        await refused(
          `sshOpts ${JSON.stringify(opts)}`,
          () => ssh.system({ sshOpts: opts }, touch),
          /`sshOpts` must hold ssh options only/,
        );
      await refused(
        'sshOpts as one string',
        () => ssh.system({ sshOpts: '-o ControlPath=/tmp/elsewhere' }, touch),
        /control socket/,
      );
      await refused(
        'scpGet sshOpts',
        () => ssh.scpGet({ sshOpts: ['-S', '/tmp/elsewhere'] }, '/etc/hostname', scratch),
        /control socket/,
      );
      assert.is(
        await ssh.capture(
          { sshOpts: ['-F', f.configPath, '-o', 'LogLevel=ERROR', '-q'] },
          'echo',
          'other options pass',
        ),
        'other options pass\n',
      );
    },
  );

  test('defaultSshOpts and masterOpts cannot change the control socket or master either', async () => {
    for (const name of ['defaultSshOpts', 'masterOpts'] as const) {
      for (const opts of CONTROL_SPELLINGS)
        await refused(
          `${name} ${JSON.stringify(opts)}`,
          () => new OpenSSH(f.destination, f.options({ [name]: ['-F', f.configPath, ...opts] })),
          new RegExp(`\`${name}\` must not change the control socket or master`),
        );
      for (const opts of NOT_OPTIONS)
        await refused(
          `${name} ${JSON.stringify(opts)}`,
          () => new OpenSSH(f.destination, f.options({ [name]: opts })),
          new RegExp(`\`${name}\` must hold ssh options only`),
        );
    }
  });

  test(
    'awkward but valid input is not refused: env values with ' +
      'blanks, quotes, backslashes, line breaks (both engines)',
    async () => {
      const value = `a b\t"q" 'r' \\ $HOME\nline 2`;
      // the spawn engine's env goes through the master's SendEnv filter too (OpenSSH's mux): the master allows
      // all names
      const c = connect(f);
      for (const engine of ['spawn', 'mux'] as const) {
        const out = await c.capture(
          { engine, env: { NET_OPENSSH_AWKWARD: value } },
          'printf %s "$NET_OPENSSH_AWKWARD"',
        );
        assert.is(out, value, engine);
      }
    },
  );

  /** A connection whose ctlDir is unusable fails at once: no ssh started, OSSH_MASTER_FAILED naming the problem. */
  const ctlRefused = (label: string, opts: OpenSSHOptions, re: RegExp) => {
    const before = started.length;
    const c = connect(f, opts);
    assert.is(c.waitForMaster(true), false, `${label}: failed at once (state ${c.state.name})`);
    assert.is(c.masterPid, undefined, `${label}: no master process`);
    assert.equal(started.slice(before), [], `${label}: no process was started`);
    assert.is(c.error?.code, 'OSSH_MASTER_FAILED', label);
    assert.match(c.error!.message, re, `${label}: ${c.error!.message}`);
    assert.is(c.error!.host, '127.0.0.1');
  };

  test('a ctlDir that cannot hold sockets: a file, below a file, too long (with or without strictMode)', () => {
    const file = join(scratch, 'plain-file');
    writeFileSync(file, '');
    for (const strictMode of [true, false]) {
      ctlRefused(
        `a file, strictMode ${strictMode}`,
        { ctlDir: file, strictMode },
        new RegExp(`ctlDir ${file} cannot hold control sockets: it is not a directory`),
      );
      ctlRefused(
        `below a file, strictMode ${strictMode}`,
        { ctlDir: join(file, 'ctl'), strictMode },
        /unable to create ctlDir .*plain-file\/ctl/,
      );
      const long = join(scratch, 'd'.repeat(80));
      ctlRefused(
        `too long, strictMode ${strictMode}`,
        { ctlDir: long, strictMode },
        /is too long \(\d+ bytes; at most 90 on this OS\): choose a shorter ctlDir/,
      );
      ctlRefused(
        `ctlPath in a file, strictMode ${strictMode}`,
        { ctlPath: join(file, 'sock'), strictMode },
        /plain-file/,
      );
    }
  });

  test('a read-only ctlDir is refused before ssh starts (with or without strictMode)', () => {
    const dir = join(scratch, 'read-only');
    mkdirSync(dir, { mode: 0o700 });
    // root writes through any mode: an immutable directory is read-only even for root
    const locked = isRoot ? spawnSync('chattr', ['+i', dir]).status === 0 : (chmodSync(dir, 0o500), true);
    if (!requirePrereq(locked, 'chattr +i on the temp file system (a directory read-only even for root)')) return;
    try {
      for (const strictMode of [true, false])
        ctlRefused(
          `read-only, strictMode ${strictMode}`,
          { ctlDir: dir, strictMode },
          new RegExp(`ctlDir ${dir} cannot hold control sockets: (EPERM|EACCES|EROFS)`),
        );
    } finally {
      if (isRoot) execFileSync('chattr', ['-i', dir]);
      else chmodSync(dir, 0o700);
    }
  });

  test('an unsafe ctlDir: world-writable, group-writable, owned by another user, below a world-writable parent', () => {
    const open = join(scratch, 'world');
    mkdirSync(open);
    chmodSync(open, 0o777);
    ctlRefused(
      'world-writable',
      { ctlDir: open },
      new RegExp(`ctlDir ${open} is not secure: ${open} is writable by others \\(mode 777\\)`),
    );
    const group = join(scratch, 'group');
    mkdirSync(group);
    chmodSync(group, 0o770);
    ctlRefused('group-writable', { ctlDir: group }, /is writable by its group \(mode 770\)/);
    const parent = join(scratch, 'wide-parent');
    mkdirSync(join(parent, 'ctl'), { recursive: true, mode: 0o700 });
    chmodSync(parent, 0o777);
    ctlRefused('world-writable parent', { ctlDir: join(parent, 'ctl') }, /wide-parent is writable by others/);
    if (!requirePrereq(isRoot, `root (to give a directory to ${TEST_USER})`)) return;
    const foreign = join(scratch, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }));
    chownSync(foreign, uid, uid);
    ctlRefused(
      'owned by another user',
      { ctlDir: foreign },
      new RegExp(`${foreign} is owned by uid ${uid}, neither you \\(uid 0\\) nor root`),
    );
  });

  test('a host can never be read as an ssh option: `--` comes before it in every argv (read from /proc)', async () => {
    const argv = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    const c = connect(f, { engine: 'spawn' });
    await c.waitForMaster();
    const master = argv(c.masterPid!);
    assert.equal(master.slice(-2), ['--', '127.0.0.1'], master.join(' '));
    assert.is(master.indexOf('--'), master.length - 2, 'one `--`, right before the host');
    const slave = await c.spawn({ stdoutDiscard: true }, 'sleep 30');
    try {
      const s = argv(slave.pid!);
      assert.equal(s.slice(-3), ['--', '127.0.0.1', 'sleep 30'], s.join(' '));
    } finally {
      await slave.kill('KILL');
      await slave.exit;
    }
  });

  test('`--` is what holds: an option-like host after it is a host name, before it an option that runs', () => {
    const mark = join(scratch, 'proxy-ran');
    const host = `-oProxyCommand=touch ${mark}`;
    const base = ['-F', f.configPath, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10'];
    spawnSync('ssh', [...base, host, 'true'], { timeout: 30_000 }); // no `--`: ssh reads the host as an option
    assert.ok(existsSync(mark), 'without `--` the ProxyCommand ran (the danger is real)');
    rmSync(mark);
    const args = [...base, ...destinationArgs({ user: f.user, port: f.port, dest: { host } as Destination }), 'true'];
    const out = spawnSync('ssh', args, { encoding: 'utf8', timeout: 30_000 });
    assert.is.not(out.status, 0);
    assert.not.ok(
      existsSync(mark),
      `with the library's destination argv the ProxyCommand did not run (${out.stderr.trim()})`,
    );
  });
}

test.run();
