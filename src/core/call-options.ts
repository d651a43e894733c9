// Per-call options: documentation, the whitelist of each method (as Net::OpenSSH has), and normalisation.
import type { Readable, Writable, Duplex } from 'node:stream';
import type { EngineName } from './engine-name';
import { invalidArgument } from './errors';
import {
  assertArgList,
  assertBoolean,
  assertOneOf,
  assertString,
  assertTimeout,
  checkArgumentEncoding,
  checkStreamEncoding,
  pickKnown,
} from './validate';
import { getQuoter } from '../quoting/get-quoter';
import type { Quoter } from '../quoting/quoter';
import { quoting } from './quoting-guard';
import { checkSshOpts } from './slave-args';

/** A Node stream or a file descriptor: what stands for Perl's file handle. */
export type InputHandle = Readable | number;
/** A Node stream or a file descriptor to write output to (Perl's output file handle). */
export type OutputHandle = Writable | number;
/** A file name, or `[flags, name]` with Node's open flags (`'a'` appends). */
export type FileSpec = string | [flags: string, path: string];

/** Options every remote-command method takes. */
export interface CommonCallOptions {
  /**
   * Quote the arguments (true) or pass them as one shell command line (false).
   * @default true when there are two or more arguments
   */
  quoteArgs?: boolean;
  /** Append remote redirections for discarded / merged streams (Net::OpenSSH's quote_args_extended). @default true */
  quoteArgsExtended?: boolean;
  /**
   * Quote for this remote shell (a name, a chain such as `'MSCmd,MSWin'`, or a Quoter) instead of the connection's
   * `remoteShell`.
   */
  remoteShell?: string | Quoter;
  /** Encoding of this call's arguments and text output (Net::OpenSSH's `encoding`). @default the connection's */
  encoding?: string;
  /**
   * Encoding of this call's text output (capture, captureLines, capture2).
   * @default `encoding`, else the connection's `defaultStreamEncoding`
   */
  streamEncoding?: string;
  /** Encoding of this call's arguments. @default `encoding`, else the connection's `defaultArgumentEncoding` */
  argumentEncoding?: string;
  /** Quote every argument in glob mode (wildcards stay active). @default false */
  glob?: boolean;
  /** Remote tty: true `ssh -tt`, false `ssh -T`. @default none */
  tty?: boolean;
  /** ssh options for this call's slave (replaces `defaultSshOpts`; forces the spawn engine). */
  sshOpts?: string[] | string;
  /** Engine for this call. @default the connection's */
  engine?: EngineName;
  /** Forward the agent for this call (`-A`) or not (`-a`). */
  forwardAgent?: boolean;
  /** Forward X11 for this call (`-X`) or not (`-x`). */
  forwardX11?: boolean;
  /**
   * The arguments are `(host, port)`: a TCP tunnel to that port as the remote side sees it (`ssh -W`), instead of a
   * command (Net::OpenSSH's `tunnel`). For a Unix socket use `openTunnel(socketPath)`.
   * @default false
   */
  tunnel?: boolean;
  /**
   * Run this call's ssh process in its own process group, so a terminal's Ctrl-C does not reach it (Net::OpenSSH's
   * setpgrp). Spawn engine only: the mux engine has no process.
   * @default false
   */
  setpgrp?: boolean;
  /** Run the single argument as a subsystem (`ssh -s`), e.g. `'sftp'`. @default false */
  subsystem?: boolean;
  /** Environment variables to set remotely (the server must AcceptEnv them). */
  env?: Record<string, string>;
  /** Cancels the operation: it ends exactly as unsubscribing does. */
  signal?: AbortSignal;
}

/** Where the command's stdin comes from. Without any of these it is empty (/dev/null), not this process's stdin. */
export interface StdinCallOptions {
  /** Data written to the command's stdin (a string, a Buffer, or an array of them); stdin is then closed. */
  stdinData?: string | Buffer | ReadonlyArray<string | Buffer | undefined | null>;
  /** Keep stdin open after stdinData (until the command exits). @default false */
  stdinKeepOpen?: boolean;
  /** Feed stdin from this stream or file descriptor. */
  stdinFh?: InputHandle;
  /** Feed stdin from this file. */
  stdinFile?: string;
  /** Give the command an empty stdin (/dev/null). This is the default when no other stdin option is given. */
  stdinDiscard?: boolean;
}

/** Where the command's stdout goes. Without any of these: this process's stdout (system, spawn, openEx) or captured. */
export interface StdoutCallOptions {
  /** Write stdout to this stream or file descriptor (not closed afterwards). */
  stdoutFh?: OutputHandle;
  /** Write stdout to this file (created/truncated; `['a', path]` appends). */
  stdoutFile?: FileSpec;
  /** Throw stdout away (`>/dev/null` remotely too when quoting). */
  stdoutDiscard?: boolean;
}

/** Where the command's stderr goes. Without any of these: this process's stderr. */
export interface StderrCallOptions {
  /** Write stderr to this stream or file descriptor (not closed afterwards). */
  stderrFh?: OutputHandle;
  /** Write stderr to this file (created/truncated; `['a', path]` appends). */
  stderrFile?: FileSpec;
  /** Throw stderr away (`2>/dev/null` remotely too when quoting). */
  stderrDiscard?: boolean;
  /** Send stderr where stdout goes (`2>&1` remotely too when quoting). */
  stderrToStdout?: boolean;
}

/**
 * Output handed to a function as it arrives, for commands whose output is large: the chunk is only valid
 * during the call (the mux engine reads into buffers it reuses, as `net.Socket`'s `onread` does), so copy
 * what you keep. Output taken this way costs no memory allocation per read.
 */
export interface OutputCallbackOptions {
  /** Called with each stdout chunk (a Buffer valid only during the call). Replaces the other stdout options. */
  onStdout?: (chunk: Buffer) => void;
  /** Called with each stderr chunk (a Buffer valid only during the call). Replaces the other stderr options. */
  onStderr?: (chunk: Buffer) => void;
}

/** Inactivity timeout of a call that runs to the end. */
export interface TimeoutCallOptions {
  /**
   * Seconds without traffic before the operation fails with OSSH_SLAVE_TIMEOUT; `0` turns the connection's timeout
   * off for this call (for `tail -f` and other commands that may stay silent). @default the connection's `timeout`
   */
  timeout?: number;
  /**
   * End the command on timeout (mux: a remote signal, then the channel is closed; spawn: the ssh slave is killed).
   * `false` leaves it running, as Net::OpenSSH does (Promise methods only: an Observable refuses it, since a stream
   * that errored holds nothing). @default the connection's `killSshOnTimeout` (true)
   */
  killSshOnTimeout?: boolean;
}

/** A local command wired to the remote one, as dpipe(1) does (Net::OpenSSH's `stdinout_dpipe`). */
export type DpipeCallOptions = {
  /**
   * A local command (a shell command line, or an argv) whose stdin receives the remote command's stdout and
   * whose stdout feeds the remote command's stdin. Replaces the stdin and stdout options. Its stderr is ours.
   * No inactivity timeout applies (the traffic is between the two commands, not seen here): `system` waits for
   * the exit; pass `signal` to end it.
   */
  stdinoutDpipe?: string | readonly string[];
  /**
   * The handle's `pid` is the local command's instead of the ssh process's (Net::OpenSSH's
   * `stdinout_dpipe_make_parent`).
   */
  stdinoutDpipeMakeParent?: boolean;
};
/** Options of `system`. */
export type SystemOptions = CommonCallOptions &
  StdinCallOptions &
  StdoutCallOptions &
  StderrCallOptions &
  OutputCallbackOptions &
  TimeoutCallOptions &
  DpipeCallOptions & {
    /** Resolve as soon as the command has started, with its handle, instead of waiting for it. */
    async?: boolean;
  };
/** Options of `test`. */
export type TestOptions = CommonCallOptions &
  StdinCallOptions &
  StdoutCallOptions &
  StderrCallOptions &
  OutputCallbackOptions &
  TimeoutCallOptions;
/** Options of `capture` and `captureLines`. */
export type CaptureOptions = CommonCallOptions &
  StdinCallOptions &
  StderrCallOptions &
  Pick<OutputCallbackOptions, 'onStderr'> &
  TimeoutCallOptions & {
    /** captureLines: the line separator (kept at the end of each line, like Perl's `$/`). @default '\n' */
    separator?: string;
  };
/** Options of `capture2`. */
export type Capture2Options = CommonCallOptions & StdinCallOptions & TimeoutCallOptions;
/** Options of `openEx`: every stream option, and pipes for the streams you want as Node streams. */
export type OpenExOptions = CommonCallOptions &
  StdinCallOptions &
  StdoutCallOptions &
  StderrCallOptions &
  DpipeCallOptions & {
    /** Return a Writable for the command's stdin. */
    stdinPipe?: boolean;
    /** Return a Readable of the command's stdout. */
    stdoutPipe?: boolean;
    /** Return a Readable of the command's stderr. */
    stderrPipe?: boolean;
    /** Wire this socket (or any Duplex) to the command's stdin and stdout. */
    stdinoutSocket?: Duplex;
  };
/** Options of `spawn` and `system({ async: true })`. */
export type SpawnOptions = CommonCallOptions &
  StdinCallOptions &
  StdoutCallOptions &
  StderrCallOptions &
  DpipeCallOptions;
/** Options of `open2` and `open2socket`. */
export type Open2Options = CommonCallOptions & StderrCallOptions;
/** Options of `open3` and `open3socket`. */
export type Open3Options = CommonCallOptions;
/** Options of `pipeIn` and `pipeOut`. */
export type PipeOptions = CommonCallOptions;
/** open2pty / open3pty: the local terminal's size. A remote tty is allocated unless `tty: false`. */
export type PtyCallOptions = CommonCallOptions & {
  /** Terminal columns. @default 80 */
  cols?: number;
  /** Terminal rows. @default 24 */
  rows?: number;
};

/** Every per-call option, normalised. */
export type CallOptions = SystemOptions & CaptureOptions & OpenExOptions & PtyCallOptions;

const COMMON = [
  'quoteArgs',
  'quoteArgsExtended',
  'remoteShell',
  'encoding',
  'argumentEncoding',
  'streamEncoding',
  'glob',
  'tty',
  'sshOpts',
  'engine',
  'forwardAgent',
  'forwardX11',
  'subsystem',
  'env',
  'signal',
  'setpgrp',
  'tunnel',
];
const STDIN = ['stdinData', 'stdinKeepOpen', 'stdinFh', 'stdinFile', 'stdinDiscard'];
const STDOUT = ['stdoutFh', 'stdoutFile', 'stdoutDiscard'];
const STDERR = ['stderrFh', 'stderrFile', 'stderrDiscard', 'stderrToStdout'];
const TIMEOUT = ['timeout', 'killSshOnTimeout'];
const DPIPE = ['stdinoutDpipe', 'stdinoutDpipeMakeParent'];

/** Which options each method accepts (Net::OpenSSH's per-method whitelists). */
export const METHOD_OPTIONS = {
  system: new Set([...COMMON, ...STDIN, ...STDOUT, ...STDERR, ...TIMEOUT, ...DPIPE, 'async', 'onStdout', 'onStderr']),
  test: new Set([...COMMON, ...STDIN, ...STDOUT, ...STDERR, ...TIMEOUT, 'onStdout', 'onStderr']),
  capture: new Set([...COMMON, ...STDIN, ...STDERR, ...TIMEOUT, 'separator', 'onStderr']),
  capture2: new Set([...COMMON, ...STDIN, ...TIMEOUT]),
  exec$: new Set([...COMMON, ...STDIN, ...TIMEOUT]),
  openEx: new Set([
    ...COMMON,
    ...STDIN,
    ...STDOUT,
    ...STDERR,
    'stdinPipe',
    'stdoutPipe',
    'stderrPipe',
    'stdinoutSocket',
    ...DPIPE,
  ]),
  spawn: new Set([...COMMON, ...STDIN, ...STDOUT, ...STDERR, ...DPIPE]),
  open2: new Set([...COMMON, ...STDERR]),
  open2socket: new Set([...COMMON, ...STDERR]),
  open3: new Set(COMMON),
  open3socket: new Set(COMMON),
  pipeIn: new Set(COMMON),
  pipeOut: new Set(COMMON),
  makeRemoteCommand: new Set(COMMON),
  open2pty: new Set([...COMMON, 'cols', 'rows']),
  open3pty: new Set([...COMMON, 'cols', 'rows']),
} as const;
export type MethodName = keyof typeof METHOD_OPTIONS;

const isHandle = (v: unknown, dir: 'in' | 'out'): boolean =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
  (typeof v === 'object' &&
    v !== null &&
    typeof (v as Record<string, unknown>)[dir === 'in' ? 'pipe' : 'write'] === 'function');

const checkFileSpec = (name: string, v: unknown): void => {
  if (v === undefined) return;
  const ok =
    typeof v === 'string'
      ? v !== ''
      : Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
  if (!ok) throw invalidArgument(`Expected \`${name}\` to be a file name or [flags, name]`, v);
  if (String(Array.isArray(v) ? v[1] : v).includes('\0'))
    throw invalidArgument(`\`${name}\` must not contain a NUL byte`);
};

/** Validates the options of `method` (unknown names, types, combinations). Throws OSSH_INVALID_ARGUMENT. */
export const normalizeCallOptions = (method: MethodName, raw: unknown): CallOptions => {
  const o = pickKnown<CallOptions>(raw, METHOD_OPTIONS[method], method) as CallOptions;
  for (const k of [
    'quoteArgs',
    'quoteArgsExtended',
    'glob',
    'tty',
    'forwardAgent',
    'forwardX11',
    'setpgrp',
    'tunnel',
    'subsystem',
    'stdinKeepOpen',
    'stdinDiscard',
    'stdoutDiscard',
    'stderrDiscard',
    'stderrToStdout',
    'killSshOnTimeout',
    'async',
    'stdinPipe',
    'stdoutPipe',
    'stderrPipe',
  ] as const)
    assertBoolean(k, o[k]);
  assertTimeout('timeout', o.timeout);
  assertOneOf('engine', o.engine, ['auto', 'mux', 'spawn'] as const);
  if (o.remoteShell !== undefined) quoting(undefined, () => getQuoter(o.remoteShell!));
  checkArgumentEncoding('argumentEncoding', o.argumentEncoding);
  checkArgumentEncoding('encoding', o.encoding); // it applies to the arguments too
  checkStreamEncoding('streamEncoding', o.streamEncoding);
  assertString('stdinFile', o.stdinFile);
  assertString('separator', o.separator);
  checkFileSpec('stdoutFile', o.stdoutFile);
  checkFileSpec('stderrFile', o.stderrFile);
  if (o.sshOpts !== undefined) o.sshOpts = [...checkSshOpts(assertArgList('sshOpts', o.sshOpts)!)];
  if (o.stdinFh !== undefined && !isHandle(o.stdinFh, 'in'))
    throw invalidArgument('Expected `stdinFh` to be a Readable stream or a file descriptor', o.stdinFh);
  for (const k of ['stdoutFh', 'stderrFh'] as const)
    if (o[k] !== undefined && !isHandle(o[k], 'out'))
      throw invalidArgument(`Expected \`${k}\` to be a Writable stream or a file descriptor`, o[k]);
  const data = o.stdinData;
  if (data !== undefined) {
    const items = Array.isArray(data) ? data : [data];
    if (items.some((d) => d !== undefined && d !== null && typeof d !== 'string' && !Buffer.isBuffer(d)))
      throw invalidArgument('Expected `stdinData` to be a string, a Buffer, or an array of them', data);
  }
  if (
    o.env !== undefined &&
    (typeof o.env !== 'object' || Object.entries(o.env).some(([k, v]) => !/^\w+$/.test(k) || typeof v !== 'string'))
  )
    throw invalidArgument('Expected `env` to be an object of NAME: string', o.env);
  // a NUL cannot travel in an env request: the master drops the whole connection over it
  if (o.env !== undefined && Object.values(o.env).some((v) => v.includes('\0')))
    throw invalidArgument('an `env` value must not contain a NUL byte');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw invalidArgument('Expected `signal` to be an AbortSignal', o.signal);
  const stdinSources = ['stdinData', 'stdinFh', 'stdinFile', 'stdinDiscard', 'stdinPipe'].filter(
    (k) => (o as Record<string, unknown>)[k],
  );
  if (stdinSources.length > 1)
    throw invalidArgument(`conflicting stdin options: ${stdinSources.join(', ')} (give one)`);
  for (const k of ['onStdout', 'onStderr'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'function')
      throw invalidArgument(`Expected \`${k}\` to be a function`, o[k]);
  if ((o.onStdout || o.onStderr) && o.async)
    throw invalidArgument(
      '`onStdout` and `onStderr` need the call to run to its end; they cannot be combined with `async`',
    );
  if ((o.onStdout || o.onStderr) && o.stdinoutDpipe !== undefined)
    throw invalidArgument('`stdinoutDpipe` cannot be combined with `onStdout` or `onStderr`');
  for (const [stream, keys] of [
    ['stdout', ['stdoutFh', 'stdoutFile', 'stdoutDiscard', 'stdoutPipe', 'onStdout']],
    ['stderr', ['stderrFh', 'stderrFile', 'stderrDiscard', 'stderrPipe', 'stderrToStdout', 'onStderr']],
  ] as const) {
    const set = keys.filter((k) => (o as Record<string, unknown>)[k]);
    if (set.length > 1) throw invalidArgument(`conflicting ${stream} options: ${set.join(', ')} (give one)`);
  }
  if (o.stdinoutDpipe !== undefined) {
    const d = o.stdinoutDpipe;
    const ok =
      (typeof d === 'string' && d.trim() !== '') ||
      (Array.isArray(d) && d.length > 0 && d.every((a) => typeof a === 'string') && d[0] !== '');
    if (!ok || (typeof d === 'string' ? d : d.join('')).includes('\0'))
      throw invalidArgument(
        'Expected `stdinoutDpipe` to be a command line or a non-empty argv of strings, without NUL bytes',
        d,
      );
    if (
      o.stdinoutSocket ||
      o.stdinPipe ||
      o.stdoutPipe ||
      stdinSources.length ||
      o.stdoutFh ||
      o.stdoutFile ||
      o.stdoutDiscard
    )
      throw invalidArgument('`stdinoutDpipe` replaces the stdin and stdout options; do not combine them');
  }
  assertBoolean('stdinoutDpipeMakeParent', o.stdinoutDpipeMakeParent);
  if (
    o.stdinoutSocket !== undefined &&
    (o.stdinPipe || o.stdoutPipe || stdinSources.length || o.stdoutFh || o.stdoutFile || o.stdoutDiscard)
  )
    throw invalidArgument('`stdinoutSocket` replaces the stdin and stdout options; do not combine them');
  return o;
};
