// scpGet / scpPut: Net::OpenSSH's scp_get and scp_put, running the scp binary over the master.
import { statSync, lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TransferConnection } from '../conn';
import { OpenSSHError } from '../core/errors';
import { assertOneOf, assertString, pickKnown } from '../core/validate';
import { localGlob } from './local-glob';
import { runTransfer, type TransferHandle } from './run-transfer';
import { checkLegacyPaths, scpArgs, type ScpMode } from './scp-args';
import type { SlaveBase } from './slave-base';
import { COMMON_KEYS, checkCmd, checkTransferOptions, splitPaths, type TransferOptions } from './transfer-options';

/** Options of scpGet / scpPut. */
export interface ScpOptions extends TransferOptions {
  /** The scp binary. @default 'scp' */
  scpCmd?: string;
  /**
   * `'sftp'`: scp speaks SFTP (`-s`, the default of OpenSSH 9); remote paths are taken literally (no remote shell),
   * wildcards are expanded by scp only with `glob`. `'legacy'`: the old rcp protocol (`-O`) through the remote
   * shell, paths quoted for `remoteShell`; gets add `-T` where scp's check of the names the server sends could not
   * pass (a quoted path; with `glob`, a pattern whose last part needs quoting), and a name with a newline, which
   * the protocol would change, is refused with OSSH_INVALID_ARGUMENT (see docs/transfers.md). @default 'sftp'
   */
  mode?: ScpMode;
  /** Remote shell for quoting paths in legacy mode. @default 'POSIX' */
  remoteShell?: string;
}

const KEYS = new Set<string>([...COMMON_KEYS, 'scpCmd', 'mode', 'remoteShell']);

/** Where a failure happened, quoted for a message (JSON: newlines and quotes stay visible). */
export const showPaths = (paths: readonly string[]): string => paths.map((p) => JSON.stringify(p)).join(', ');

// checked before scp runs (the local target with stat, the remote one with `test -d`): the call itself asks for
// something scp cannot do, so it is an argument error, as for any other bad input
const notADirectory = (host: string, target: string, where: 'local' | 'remote'): OpenSSHError =>
  new OpenSSHError(
    'OSSH_INVALID_ARGUMENT',
    `scp: several sources need an existing ${where} target directory, and ${JSON.stringify(target)} is not one`,
    { host },
  );

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The first name with a newline under a local directory (legacy mode cannot send it), or undefined. */
const newlineNameUnder = (p: string): string | undefined => {
  try {
    if (!lstatSync(p).isDirectory()) return undefined;
    for (const e of readdirSync(p)) {
      const found = e.includes('\n') ? join(p, e) : newlineNameUnder(join(p, e));
      if (found !== undefined) return found;
    }
  } catch {
    // vanished or unreadable: scp will say so
  }
  return undefined;
};

/** Bytes under a local path (recursively when asked); what an upload will move. */
export const localSize = (p: string, recursive: boolean): number => {
  try {
    const st = lstatSync(p);
    if (st.isFile()) return st.size;
    if (st.isSymbolicLink()) return statSync(p).isFile() ? statSync(p).size : 0;
    if (st.isDirectory() && recursive) return readdirSync(p).reduce((n, e) => n + localSize(join(p, e), true), 0);
  } catch {
    // vanished or unreadable: scp will say so
  }
  return 0;
};

// a remote path as `test -d` on the remote side sees it: relative to the home directory
const remoteCheckPath = (p: string): string | undefined =>
  p === '' || p === '~' ? '.' : p.startsWith('~/') ? p.slice(2) || '.' : p.startsWith('~') ? undefined : p;

const prepare = (ssh: TransferConnection, args: readonly unknown[]) => {
  const [raw, paths] = splitPaths(args, (p) => ssh.expandText(p));
  const picked = pickKnown<ScpOptions>(raw, KEYS, 'scp');
  const o = checkTransferOptions(picked, ssh.timeout);
  const mode = assertOneOf('mode', picked.mode, ['sftp', 'legacy'] as const) ?? 'sftp';
  const cmd = checkCmd('scpCmd', picked.scpCmd, ssh.getCmd('scp')!);
  const remoteShell = assertString('remoteShell', picked.remoteShell);
  // the scp command line from `sources` to `target` with this call's options
  const scpArgv = (base: SlaveBase, direction: 'get' | 'put', sources: string[], target: string) =>
    scpArgs({
      base,
      mode,
      direction,
      sources,
      target,
      remoteShell,
      quiet: o.quiet ?? !o.verbose,
      verbose: Boolean(o.verbose),
      recursive: o.recursive ?? false,
      copyAttrs: o.copyAttrs ?? false,
      bwlimit: o.bwlimit,
      glob: o.glob ?? false,
    });
  return { o, mode, cmd, paths, scpArgv };
};

/**
 * Copies remote files to `local` (Net::OpenSSH's scp_get): `scpGet(ssh, opts, ...remotePaths, localPath)`.
 * A single remote path may omit the target (`.`). Several sources need an existing local directory.
 * Resolves true (or a {@link TransferHandle} with `async`); rejects with an OpenSSHError naming the paths.
 */
export function scpGet(
  ssh: TransferConnection,
  options: ScpOptions & { async: true },
  ...paths: string[]
): Promise<TransferHandle>;
export function scpGet(ssh: TransferConnection, options: ScpOptions, ...paths: string[]): Promise<true>;
export function scpGet(ssh: TransferConnection, ...paths: string[]): Promise<true>;
export async function scpGet(ssh: TransferConnection, ...args: unknown[]): Promise<true | TransferHandle> {
  const { o, mode, cmd, paths, scpArgv } = prepare(ssh, args);
  if (paths.length === 0) throw new OpenSSHError('OSSH_INVALID_ARGUMENT', 'scpGet: give at least one remote path');
  const sources = paths.length === 1 ? paths : paths.slice(0, -1);
  const target = paths.length === 1 ? '.' : paths[paths.length - 1]!;
  if (mode === 'legacy') checkLegacyPaths([...sources, target]);
  if (sources.length > 1 && !isDir(target)) throw notADirectory(ssh.getHost(), target, 'local');
  const base = await ssh.slaveCommand(o.sshOpts);
  const argv = scpArgv(base, 'get', sources, target);
  return runTransfer({
    ssh,
    tool: 'scp',
    cmd,
    args: argv,
    o,
    watchdog: true,
    what: `get ${showPaths(sources)} -> ${JSON.stringify(target)}`,
    progress: { kind: 'io', counter: 'wchar' },
    finalBytes: o.glob
      ? undefined
      : () =>
          sources.reduce(
            (n, s) => n + localSize(isDir(target) ? join(target, basename(s)) : target, o.recursive ?? false),
            0,
          ),
  });
}

/**
 * Copies local files to `remote` (Net::OpenSSH's scp_put): `scpPut(ssh, opts, ...localPaths, remotePath)`.
 * A single local path may omit the target (the remote home directory). With `glob`, local patterns are
 * expanded here (`globFlags`). Several sources need an existing remote directory.
 */
export function scpPut(
  ssh: TransferConnection,
  options: ScpOptions & { async: true },
  ...paths: string[]
): Promise<TransferHandle>;
export function scpPut(ssh: TransferConnection, options: ScpOptions, ...paths: string[]): Promise<true>;
export function scpPut(ssh: TransferConnection, ...paths: string[]): Promise<true>;
export async function scpPut(ssh: TransferConnection, ...args: unknown[]): Promise<true | TransferHandle> {
  const { o, mode, cmd, paths, scpArgv } = prepare(ssh, args);
  if (paths.length === 0) throw new OpenSSHError('OSSH_INVALID_ARGUMENT', 'scpPut: give at least one local path');
  const patterns = paths.length === 1 ? paths : paths.slice(0, -1);
  const target = paths.length === 1 ? '' : paths[paths.length - 1]!;
  const sources = o.glob ? patterns.flatMap((p) => localGlob(p, o.globFlags)) : patterns;
  if (sources.length === 0)
    throw new OpenSSHError(
      'OSSH_SLAVE_FAILED',
      `scp failed: given file name patterns did not match any file: ${showPaths(patterns)}`,
      { host: ssh.getHost() },
    );
  if (mode === 'legacy') {
    const inside = o.recursive ? sources.map(newlineNameUnder).filter((p) => p !== undefined) : [];
    checkLegacyPaths([...sources, target, ...inside]);
  }
  if (sources.length > 1) {
    const check = remoteCheckPath(target);
    if (check !== undefined && !(await ssh.test({ sshOpts: o.sshOpts }, 'test', '-d', check)))
      throw notADirectory(ssh.getHost(), target, 'remote');
  }
  const base = await ssh.slaveCommand(o.sshOpts);
  const argv = scpArgv(base, 'put', sources, target);
  const total = sources.reduce((n, s) => n + localSize(s, o.recursive ?? false), 0);
  return runTransfer({
    ssh,
    tool: 'scp',
    cmd,
    args: argv,
    o,
    watchdog: true,
    what: `put ${showPaths(sources)} -> ${JSON.stringify(target || '~')}`,
    progress: { kind: 'io', counter: 'rchar', total },
  });
}
