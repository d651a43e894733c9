// rsyncGet / rsyncPut: Net::OpenSSH's rsync_get and rsync_put, running rsync with ssh over the master as its transport.
import type { TransferConnection } from '../conn';
import { OpenSSHError } from '../core/errors';
import { assertString } from '../core/validate';
import { localGlob } from './local-glob';
import { runTransfer, type TransferHandle } from './run-transfer';
import { rsyncArgs, rsyncExitMeaning } from './rsync-args';
import { showPaths } from './scp';
import { COMMON_KEYS, checkCmd, checkTransferOptions, splitPaths, type TransferOptions } from './transfer-options';

/**
 * Options of rsyncGet / rsyncPut. Any other key becomes an rsync long option: `safeLinks: true` -> `--safe-links`,
 * `exclude: '*~'` -> `--exclude=*~`, an array repeats the option, false leaves it out.
 */
export interface RsyncOptions extends TransferOptions {
  /** The rsync binary. @default 'rsync' */
  rsyncCmd?: string;
  /** Remote shell, for quoting remote paths (rsync runs them through it). @default 'POSIX' */
  remoteShell?: string;
  /** Further rsync long options. */
  [rsyncOption: string]: unknown;
}

const OWN = new Set<string>([...COMMON_KEYS, 'rsyncCmd', 'remoteShell']);

const prepare = (ssh: TransferConnection, args: readonly unknown[]) => {
  const [raw, paths] = splitPaths(args, (p) => ssh.expandText(p));
  const own: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) (OWN.has(k) ? own : extra)[k] = v;
  const o = checkTransferOptions(own as TransferOptions, ssh.timeout);
  const cmd = checkCmd('rsyncCmd', own.rsyncCmd, ssh.getCmd('rsync')!);
  const remoteShell = assertString('remoteShell', own.remoteShell);
  const verbose = o.verbose === true ? 1 : o.verbose || 0;
  return { o, cmd, remoteShell, extra, verbose, paths };
};

// rsync reads these from the environment; the argv must be the whole story
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.RSYNC_OLD_ARGS;
  delete env.RSYNC_PROTECT_ARGS;
  delete env.RSYNC_RSH;
  return env;
};

const run = async (
  ssh: TransferConnection,
  direction: 'get' | 'put',
  args: readonly unknown[],
): Promise<true | TransferHandle> => {
  const { o, cmd, remoteShell, extra, verbose, paths } = prepare(ssh, args);
  if (paths.length === 0)
    throw new OpenSSHError(
      'OSSH_INVALID_ARGUMENT',
      `rsync${direction === 'get' ? 'Get' : 'Put'}: give at least one path`,
    );
  const given = paths.length === 1 ? paths : paths.slice(0, -1);
  const target = paths.length === 1 ? (direction === 'get' ? '.' : '') : paths[paths.length - 1]!;
  const sources = direction === 'put' && o.glob ? given.flatMap((p) => localGlob(p, o.globFlags)) : given;
  if (sources.length === 0)
    throw new OpenSSHError(
      'OSSH_SLAVE_FAILED',
      `rsync failed: given file name patterns did not match any file: ${showPaths(given)}`,
      { host: ssh.getHost() },
    );
  const base = await ssh.slaveCommand(o.sshOpts);
  const progress = o.progress !== undefined;
  const argv = rsyncArgs({
    sshArgvNoHost: base.sshArgvNoHost,
    hostSquared: base.hostSquared,
    direction,
    sources,
    target,
    remoteShell,
    extra,
    quiet: o.quiet ?? (!verbose && !progress),
    verbose,
    recursive: o.recursive ?? false,
    copyAttrs: o.copyAttrs ?? false,
    bwlimit: o.bwlimit,
    timeout: o.timeout,
    progress,
    glob: o.glob ?? false,
  });
  return runTransfer({
    ssh,
    tool: 'rsync',
    cmd,
    args: argv,
    env: cleanEnv(),
    o,
    watchdog: true,
    timeoutExit: 30,
    exitMeaning: rsyncExitMeaning,
    what: `${direction} ${showPaths(sources)} -> ${JSON.stringify(target || '~')}`,
    progress: progress ? { kind: 'rsync' } : undefined,
  });
};

/**
 * Copies remote files to a local path with rsync (Net::OpenSSH's rsync_get): `rsyncGet(ssh, opts, ...remote, local)`.
 */
export function rsyncGet(
  ssh: TransferConnection,
  options: RsyncOptions & { async: true },
  ...paths: string[]
): Promise<TransferHandle>;
export function rsyncGet(ssh: TransferConnection, options: RsyncOptions, ...paths: string[]): Promise<true>;
export function rsyncGet(ssh: TransferConnection, ...paths: string[]): Promise<true>;
export function rsyncGet(ssh: TransferConnection, ...args: unknown[]): Promise<true | TransferHandle> {
  return run(ssh, 'get', args);
}

/**
 * Copies local files to a remote path with rsync (Net::OpenSSH's rsync_put): `rsyncPut(ssh, opts, ...local, remote)`.
 */
export function rsyncPut(
  ssh: TransferConnection,
  options: RsyncOptions & { async: true },
  ...paths: string[]
): Promise<TransferHandle>;
export function rsyncPut(ssh: TransferConnection, options: RsyncOptions, ...paths: string[]): Promise<true>;
export function rsyncPut(ssh: TransferConnection, ...paths: string[]): Promise<true>;
export function rsyncPut(ssh: TransferConnection, ...args: unknown[]): Promise<true | TransferHandle> {
  return run(ssh, 'put', args);
}
