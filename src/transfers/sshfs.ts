// sshfsImport / sshfsExport (Net::OpenSSH's sshfs_import / sshfs_export): a remote directory mounted here, or a
// local directory mounted there, with sshfs in passive mode (`-o passive`, formerly `-o slave`) speaking SFTP on
// its stdin/stdout, wired to the other side's SFTP server through the master. The mount's process runs in the
// foreground (`-f`), so the handle owns it; `unmount()` runs fusermount and waits for it to end.
// The two processes are joined fd to fd, never through this process's event loop: a FUSE mount served through
// JavaScript would deadlock the first synchronous fs call the same process makes on it (measured).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { TransferConnection } from '../conn';
import { OpenSSHError, invalidArgument, stderrTail } from '../core/errors';
import { TailSink, discardSink, optionSink, teeSink, type Sink } from '../core/output-sink';
import { runLocal } from '../core/run-local';
import type { FileSpec, OutputHandle } from '../core/call-options';
import { assertArgList, assertString, pickKnown } from '../core/validate';
import { mountPoints } from './mounts';

/** Options of sshfsImport / sshfsExport. */
export interface SshfsOptions {
  /** ssh options for the slave, replacing the connection's `defaultSshOpts`. */
  sshOpts?: string[] | string;
  /**
   * Extra sshfs options, each given to `-o` (e.g. `['reconnect', 'idmap=user']`) or as whole arguments
   * (`['-o', 'ro']`).
   */
  sshfsOpts?: string[] | string;
  /** The sshfs binary (local for import, remote for export). @default 'sshfs' */
  sshfsCmd?: string;
  /**
   * export: the local SFTP server binary.
   * @default the first of /usr/lib/openssh/sftp-server, /usr/libexec/openssh/sftp-server, /usr/lib/ssh/sftp-server,
   * /usr/libexec/sftp-server
   */
  sftpServerCmd?: string;
  /** Milliseconds to wait for the mount to appear. @default 15000 */
  mountTimeout?: number;
  /** Where sshfs's (and the SFTP server's) messages go; always kept (4 KiB) for errors. @default discarded */
  stderrFh?: OutputHandle;
  /** Write those messages to this file (`['a', path]` appends). */
  stderrFile?: FileSpec;
  /** Discard those messages (the default). */
  stderrDiscard?: boolean;
}

/** A mounted sshfs file system. */
export interface SshfsMount {
  /** Where it is mounted (local for import, remote for export). */
  readonly mountPoint: string;
  /** The mount's process: the local sshfs (import), or the local ssh slave running the remote sshfs (export). */
  readonly pid: number | undefined;
  /** export: the local SFTP server serving the files. */
  readonly serverPid?: number | undefined;
  /** Resolves when the mount's process has ended (after `unmount()`, or if the file system went away). */
  readonly ended: Promise<void>;
  /** Unmounts (fusermount3 -u, else fusermount -u) and waits for the process to end. Idempotent. */
  unmount(): Promise<void>;
}

const KEYS = new Set([
  'sshOpts',
  'sshfsOpts',
  'sshfsCmd',
  'sftpServerCmd',
  'mountTimeout',
  'stderrFh',
  'stderrFile',
  'stderrDiscard',
]);
const SFTP_SERVERS = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/lib/ssh/sftp-server',
  '/usr/libexec/sftp-server',
];

// %VAR% in paths, as in commands (a non-string is left for checkPath to refuse)
const expandPath = (ssh: TransferConnection, p: unknown): string =>
  (typeof p === 'string' ? ssh.expandText(p) : p) as string;

const normalize = (ssh: TransferConnection, raw: unknown, where: string) => {
  const o = pickKnown<SshfsOptions>(raw, KEYS, where) as SshfsOptions;
  const sshfsOpts = assertArgList('sshfsOpts', o.sshfsOpts) ?? [];
  const timeout = o.mountTimeout ?? 15000;
  if (typeof timeout !== 'number' || !(timeout > 0))
    throw invalidArgument('Expected `mountTimeout` to be a positive number of milliseconds', timeout);
  return {
    o,
    sshOpts: assertArgList('sshOpts', o.sshOpts),
    // bare words are -o options; anything starting with '-' is passed as is
    sshfsArgs: sshfsOpts.some((x) => x.startsWith('-')) ? sshfsOpts : sshfsOpts.flatMap((x) => ['-o', x]),
    sshfsCmd: assertString('sshfsCmd', o.sshfsCmd) ?? ssh.getCmd('sshfs')!,
    timeout,
  };
};

const checkPath = (name: string, p: unknown): string => {
  if (typeof p !== 'string' || p === '' || p.includes('\0'))
    throw invalidArgument(`Expected \`${name}\` to be a non-empty path`, p);
  return p;
};

/** sshfs 3.7 renamed `-o slave` to `-o passive`; `help` is the output of `sshfs -h`. */
const passiveOption = (help: string): string => (/\bpassive\b/.test(help) ? 'passive' : 'slave');

const mountFailed = (host: string, what: string, reason: string, stderr: string): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_FAILED',
    `sshfs failed: ${what}: ${reason}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join('; ')}` : ''}`,
    {
      host,
      stderr: stderr ? stderrTail(stderr) : undefined,
    },
  );

const exitOf = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('close', () => resolve());
  });

/** Polls `isMounted` until true; fails early when `ended` settles first. */
const waitMounted = async (
  isMounted: () => Promise<boolean> | boolean,
  ended: Promise<void>,
  timeoutMs: number,
): Promise<'mounted' | 'ended' | 'timeout'> => {
  let gone = false;
  void ended.then(() => (gone = true));
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await isMounted()) return 'mounted';
    if (gone) return 'ended';
    if (Date.now() > end) return 'timeout';
    await new Promise((r) => setTimeout(r, 50));
  }
};

const localMounted = (mp: string): boolean => {
  try {
    return mountPoints(readFileSync('/proc/self/mounts', 'utf8'), 'fuse').includes(mp);
  } catch {
    return false;
  }
};

const fusermountLocal = async (mp: string): Promise<string | undefined> => {
  let last = '';
  for (const cmd of ['fusermount3', 'fusermount']) {
    const r = await runLocal(cmd, ['-u', '--', mp]);
    if (!r.error && r.code === 0) return undefined;
    last = r.error?.message ?? r.stderr.trim();
  }
  return last || 'fusermount failed';
};

const stderrSinkOf = (o: SshfsOptions, host: string, tail: TailSink): Sink =>
  teeSink(optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? discardSink(), tail);

/**
 * Mounts the remote directory `remoteFs` on the local directory `localMountPoint` (which must exist):
 * local `sshfs -f -o passive` wired to the remote SFTP subsystem through the master.
 */
export const sshfsImport = async (
  ssh: TransferConnection,
  options: SshfsOptions,
  remoteFs: string,
  localMountPoint: string,
): Promise<SshfsMount> => {
  const { o, sshOpts, sshfsArgs, sshfsCmd, timeout } = normalize(ssh, options, 'sshfsImport');
  remoteFs = expandPath(ssh, remoteFs);
  localMountPoint = expandPath(ssh, localMountPoint);
  checkPath('remoteFs', remoteFs);
  const mp = resolvePath(checkPath('localMountPoint', localMountPoint));
  const host = ssh.getHost();
  const what = `import ${JSON.stringify(remoteFs)} -> ${JSON.stringify(mp)}`;
  const help = await runLocal(sshfsCmd, ['-h']);
  if (help.error) throw mountFailed(host, what, `${sshfsCmd} could not be started (${help.error.message})`, '');
  // sshfs in passive mode mounts even a path that does not exist (every access then fails): check first
  if (!(await ssh.test(sshOpts === undefined ? {} : { sshOpts }, 'test', '-d', remoteFs)))
    throw mountFailed(host, what, 'the remote path is not a directory the remote user can see', '');
  const base = await ssh.slaveCommand(sshOpts);
  const argv = [...base.sshArgvNoHost, '-Ts', '--', base.host, 'sftp']; // the sftp subsystem (-s), no tty
  const tail = new TailSink();
  const errSink = stderrSinkOf(o, host, tail);
  const child = spawn(
    sshfsCmd,
    [`${base.hostSquared}:${remoteFs}`, mp, '-f', '-o', passiveOption(help.stdout + help.stderr), ...sshfsArgs],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const slave = spawn(argv[0]!, argv.slice(1), { stdio: [child.stdout!, child.stdin!, 'pipe'] });
  child.stdout!.destroy(); // the processes hold their own copies now
  child.stdin!.destroy();
  for (const p of [child, slave]) {
    p.stderr!.on('data', (c: Buffer) => errSink.write(c));
    p.on('error', (e) => errSink.write(Buffer.from(`${e.message}\n`)));
  }
  const ended = Promise.all([exitOf(child), exitOf(slave)]).then(async () => {
    await errSink.end().catch(() => {});
  });
  void exitOf(child).then(() => slave.kill('SIGTERM'));
  const state = await waitMounted(() => localMounted(mp), ended, timeout);
  if (state !== 'mounted') {
    child.kill('SIGTERM');
    slave.kill('SIGTERM');
    await ended;
    throw mountFailed(
      host,
      what,
      state === 'timeout' ? `the mount did not appear within ${timeout} ms` : 'sshfs exited before mounting',
      tail.text,
    );
  }
  let unmounting: Promise<void> | undefined;
  return {
    mountPoint: mp,
    pid: child.pid,
    ended,
    unmount: () =>
      (unmounting ??= (async () => {
        if (localMounted(mp)) {
          const err = await fusermountLocal(mp);
          if (err && localMounted(mp)) throw mountFailed(host, what, `unmounting failed (${err})`, tail.text);
        }
        const t = setTimeout(() => child.kill('SIGTERM'), 5000);
        await ended;
        clearTimeout(t);
      })()),
  };
};

const remoteMounted = async (ssh: TransferConnection, sshOpts: string[] | undefined, mp: string): Promise<boolean> => {
  try {
    const table = await ssh.capture({ sshOpts, stderrDiscard: true }, 'cat', '/proc/self/mounts');
    const points = mountPoints(table, 'fuse');
    return points.includes(mp) || (!mp.startsWith('/') && points.some((p) => p.endsWith(`/${mp}`)));
  } catch {
    return false;
  }
};

/**
 * Mounts the local directory `localFs` on the remote directory `remoteMountPoint` (which must exist there):
 * remote `sshfs -f -o passive` through the master, wired to a local `sftp-server`. The remote side needs
 * sshfs and FUSE (a usable /dev/fuse and fusermount) for the remote user.
 */
export const sshfsExport = async (
  ssh: TransferConnection,
  options: SshfsOptions,
  localFs: string,
  remoteMountPoint: string,
): Promise<SshfsMount> => {
  const { o, sshOpts, sshfsArgs, sshfsCmd, timeout } = normalize(ssh, options, 'sshfsExport');
  localFs = expandPath(ssh, localFs);
  remoteMountPoint = expandPath(ssh, remoteMountPoint);
  const local = resolvePath(checkPath('localFs', localFs));
  const mp = checkPath('remoteMountPoint', remoteMountPoint);
  const host = ssh.getHost();
  const what = `export ${JSON.stringify(local)} -> ${JSON.stringify(mp)}`;
  const server =
    assertString('sftpServerCmd', o.sftpServerCmd) ??
    ssh.getCmd('sftpServer') ??
    SFTP_SERVERS.find((p) => existsSync(p));
  if (server === undefined)
    throw mountFailed(
      host,
      what,
      `no local sftp-server found (looked in ${SFTP_SERVERS.join(', ')}); set sftpServerCmd`,
      '',
    );
  const help = await ssh.capture({ sshOpts, stderrToStdout: true }, sshfsCmd, '-h').catch((e: OpenSSHError) => {
    throw mountFailed(host, what, `remote ${sshfsCmd} -h failed (${e.message})`, '');
  });
  // the host part is ignored in passive mode; Net::OpenSSH names this machine there, for the remote mount table
  const name = /^localhost|^$/.test(hostname()) ? 'remote' : hostname();
  const tail = new TailSink();
  const errSink = stderrSinkOf(o, host, tail);
  const cmd = [
    sshfsCmd,
    `${name}:${local}`,
    mp.startsWith('-') ? `./${mp}` : mp,
    '-f',
    '-o',
    passiveOption(help),
    ...sshfsArgs,
  ];
  const base = await ssh.slaveCommand(sshOpts);
  // the paths were expanded once above: quoted as they are, with no second %VAR% expansion
  const argv = [...base.sshArgvNoHost, '--', base.host, ssh.shellQuote(...cmd)];
  const slave = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const sftp = spawn(server, [], { stdio: [slave.stdout!, slave.stdin!, 'pipe'] });
  slave.stdout!.destroy();
  slave.stdin!.destroy();
  for (const p of [sftp, slave]) {
    p.stderr!.on('data', (c: Buffer) => errSink.write(c));
    p.on('error', (e) => errSink.write(Buffer.from(`${e.message}\n`)));
  }
  const ended = exitOf(slave).then(async () => {
    const t = setTimeout(() => sftp.kill('SIGTERM'), 2000);
    await exitOf(sftp);
    clearTimeout(t);
    await errSink.end().catch(() => {});
  });
  const state = await waitMounted(() => remoteMounted(ssh, sshOpts, mp), ended, timeout);
  if (state !== 'mounted') {
    slave.kill('SIGTERM');
    await ended;
    throw mountFailed(
      host,
      what,
      state === 'timeout' ? `the mount did not appear within ${timeout} ms` : 'the remote sshfs exited before mounting',
      tail.text,
    );
  }
  let unmounting: Promise<void> | undefined;
  return {
    mountPoint: mp,
    pid: slave.pid,
    serverPid: sftp.pid,
    ended,
    unmount: () =>
      (unmounting ??= (async () => {
        let err = '';
        for (const cmd of ['fusermount3', 'fusermount']) {
          const ok = await ssh.system({ sshOpts, stdoutDiscard: true, stderrDiscard: true }, cmd, '-u', mp).then(
            () => true,
            (e: Error) => ((err = e.message), false),
          );
          if (ok) break;
        }
        if (await remoteMounted(ssh, sshOpts, mp))
          throw mountFailed(host, what, `unmounting failed (${err})`, tail.text);
        const t = setTimeout(() => slave.kill('SIGTERM'), 5000);
        await ended;
        clearTimeout(t);
      })()),
  };
};
