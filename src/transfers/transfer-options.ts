// Options shared by scp and rsync transfers (Net::OpenSSH's scp_*/rsync_* options, in camelCase), and
// their validation. Bad input throws OSSH_INVALID_ARGUMENT before anything runs.
import type { Observer } from 'rxjs';
import type { FileSpec, OutputHandle } from '../core/call-options';
import { invalidArgument } from '../core/errors';
import { splitLeadingOptions } from '../core/leading-options';
import { assertArgList, assertBoolean, assertString, assertTimeout, checkArgumentEncoding } from '../core/validate';
import { effectiveTimeout } from '../conn';
import type { GlobFlags } from './local-glob';
import type { TransferProgress } from './progress';

/**
 * Receives progress reports: a function or an rxjs Observer; `true` only turns measuring on (read the handle's
 * `progress$`).
 */
export type ProgressListener = true | ((p: TransferProgress) => void) | Partial<Observer<TransferProgress>>;

/** Options of scpGet/scpPut/rsyncGet/rsyncPut. */
export interface TransferOptions {
  /** Tell the tool to be quiet (`-q`). @default true, unless `verbose` or `progress` is set */
  quiet?: boolean;
  /** Verbose output (`-v`); rsync takes a number for `-vv...`. @default false */
  verbose?: boolean | number;
  /** Copy directories recursively (`-r`). @default false */
  recursive?: boolean;
  /** Remote source paths (get) are wildcard patterns; local sources (put) are expanded here. @default false */
  glob?: boolean;
  /** Local glob expansion for put with `glob`. */
  globFlags?: GlobFlags;
  /** Preserve modes and times (scp `-p`, rsync `-pt`). @default false */
  copyAttrs?: boolean;
  /** Bandwidth limit in each tool's unit, as Net::OpenSSH passes it: scp `-l` Kbit/s, rsync `--bwlimit` KiB/s. */
  bwlimit?: number;
  /**
   * Seconds without progress before the transfer is ended with OSSH_SLAVE_TIMEOUT (rsync: its own `--timeout`);
   * 0 turns it off. @default the connection's `timeout`
   */
  timeout?: number;
  /** Resolve at once with a {@link TransferHandle} instead of waiting. @default false */
  async?: boolean;
  /** ssh options for this transfer, replacing the connection's `defaultSshOpts`. */
  sshOpts?: string[] | string;
  /** Where the tool's stdout goes (a stream or fd / a file / nowhere). @default this process's stdout */
  stdoutFh?: OutputHandle;
  /** Write the tool's stdout to this file (`['a', path]` appends). */
  stdoutFile?: FileSpec;
  /** Discard the tool's stdout. */
  stdoutDiscard?: boolean;
  /**
   * Where the tool's stderr goes. Its last 4 KiB are also kept for the error message.
   * @default this process's stderr
   */
  stderrFh?: OutputHandle;
  /** Write the tool's stderr to this file (`['a', path]` appends). */
  stderrFile?: FileSpec;
  /** Discard the tool's stderr (its tail is still kept for the error). */
  stderrDiscard?: boolean;
  /** Send the tool's stderr where its stdout goes. */
  stderrToStdout?: boolean;
  /**
   * Progress reports while the transfer runs (also on the handle's `progress$`). rsync measures progress only when this
   * is set.
   */
  progress?: ProgressListener;
  /** Cancels the transfer (the tool is ended; the promise rejects with OSSH_ABORTED). */
  signal?: AbortSignal;
  /**
   * The encoding of the file names (Net::OpenSSH's `encoding` / `argument_encoding`): only `utf8` is possible. The
   * names are the tool's process arguments, which Node always encodes as UTF-8; another encoding is refused with
   * OSSH_INVALID_ARGUMENT (use `ssh.sftp({ fsEncoding })`, or rsync's own `iconv`). @default utf8
   */
  encoding?: string;
  /** The same as `encoding`. */
  argumentEncoding?: string;
}

export const COMMON_KEYS = [
  'quiet',
  'verbose',
  'recursive',
  'glob',
  'globFlags',
  'copyAttrs',
  'bwlimit',
  'timeout',
  'async',
  'sshOpts',
  'stdoutFh',
  'stdoutFile',
  'stdoutDiscard',
  'stderrFh',
  'stderrFile',
  'stderrDiscard',
  'stderrToStdout',
  'progress',
  'signal',
  'encoding',
  'argumentEncoding',
] as const;

/** Normalised common options. */
export interface NormalTransferOptions extends Omit<TransferOptions, 'sshOpts' | 'timeout'> {
  sshOpts: string[] | undefined;
  /** The timeout in force: the call's, else the connection's; undefined when off. */
  timeout: number | undefined;
}

const isOutput = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
  (typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function');

/** Validates the common options (already picked from the caller's object); `connTimeout` is the connection's. */
export const checkTransferOptions = (o: TransferOptions, connTimeout?: number): NormalTransferOptions => {
  for (const k of [
    'quiet',
    'recursive',
    'glob',
    'copyAttrs',
    'async',
    'stdoutDiscard',
    'stderrDiscard',
    'stderrToStdout',
  ] as const)
    assertBoolean(k, o[k]);
  if (o.verbose !== undefined && typeof o.verbose !== 'boolean' && !(Number.isInteger(o.verbose) && o.verbose >= 0))
    throw invalidArgument('Expected `verbose` to be a boolean or a count', o.verbose);
  if (o.bwlimit !== undefined && (typeof o.bwlimit !== 'number' || !Number.isFinite(o.bwlimit) || o.bwlimit <= 0))
    throw invalidArgument('Expected `bwlimit` to be a positive number of Kbit/s', o.bwlimit);
  const timeout = effectiveTimeout(assertTimeout('timeout', o.timeout), connTimeout);
  for (const k of ['stdoutFh', 'stderrFh'] as const)
    if (o[k] !== undefined && !isOutput(o[k]))
      throw invalidArgument(`Expected \`${k}\` to be a Writable stream or a file descriptor`, o[k]);
  for (const k of ['stdoutFile', 'stderrFile'] as const) {
    const v = o[k];
    if (
      v !== undefined &&
      !(typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'))
    )
      throw invalidArgument(`Expected \`${k}\` to be a file name or [flags, name]`, v);
  }
  for (const [stream, keys] of [
    ['stdout', ['stdoutFh', 'stdoutFile', 'stdoutDiscard']],
    ['stderr', ['stderrFh', 'stderrFile', 'stderrDiscard', 'stderrToStdout']],
  ] as const) {
    const set = keys.filter((k) => (o as Record<string, unknown>)[k]);
    if (set.length > 1) throw invalidArgument(`conflicting ${stream} options: ${set.join(', ')} (give one)`);
  }
  const p = o.progress;
  if (p !== undefined && p !== true && typeof p !== 'function' && (typeof p !== 'object' || p === null))
    throw invalidArgument('Expected `progress` to be true, a function or an Observer', p);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw invalidArgument('Expected `signal` to be an AbortSignal', o.signal);
  if (o.globFlags !== undefined && (typeof o.globFlags !== 'object' || o.globFlags === null))
    throw invalidArgument('Expected `globFlags` to be an object such as { dot: true }', o.globFlags);
  for (const k of ['encoding', 'argumentEncoding'] as const) checkNameEncoding(k, o[k]);
  return { ...o, sshOpts: assertArgList('sshOpts', o.sshOpts), timeout };
};

/**
 * File names reach scp and rsync as process arguments, and Node encodes every argument as UTF-8: a name in another
 * encoding cannot be given to them. Refused before anything runs, with what does carry such names.
 */
const checkNameEncoding = (name: string, v: unknown): void => {
  const e = checkArgumentEncoding(name, v)?.toLowerCase();
  if (e === undefined || e === 'utf8' || e === 'utf-8') return;
  throw invalidArgument(
    `\`${name}: ${e}\` is not supported for scp and rsync: file names are their process arguments, which Node ` +
      "encodes as UTF-8; for names in another encoding use ssh.sftp({ fsEncoding }) (get/put), or rsync's own " +
      '`iconv` option',
  );
};

/** A binary name option (`scpCmd`, `rsyncCmd`, `sshfsCmd`...). */
export const checkCmd = (name: string, v: unknown, fallback: string): string => assertString(name, v) ?? fallback;

/** Splits Net::OpenSSH's `(opts?, ...paths)` calling convention. */
export const splitPaths = (
  args: readonly unknown[],
  expand: (path: string) => string = (p) => p,
): [Record<string, unknown>, string[]] => {
  const [opts, given] = splitLeadingOptions(args);
  // %VAR% expansion (expandVars) applies to file names as it does to commands, before the checks
  const paths = given.map((p) => (typeof p === 'string' ? expand(p) : p));
  paths.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') throw invalidArgument(`Expected path ${i + 1} to be a non-empty string`, p);
    if (p.includes('\0')) throw invalidArgument(`path ${JSON.stringify(p)} contains a NUL byte`);
  });
  return [opts, paths as string[]];
};
