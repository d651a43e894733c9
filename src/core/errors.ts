// The one error class of net-openssh, its codes, and every message it carries.
// Codes and numbers are Net::OpenSSH's (Net::OpenSSH::Constants), plus OSSH_INVALID_ARGUMENT for
// what Net::OpenSSH reports by croaking (programmer errors: unknown options, malformed destinations).
import { restrictedShellLine, SFTP_ONLY_SAID } from './server-refusals';

/** Error codes: the Net::OpenSSH constant names. */
export const ERROR_CODES = {
  /** The master connection could not be established, or died (sticky: later operations fail the same way). */
  OSSH_MASTER_FAILED: 1,
  /** The ssh slave could not run, or the server refused the channel or request. */
  OSSH_SLAVE_FAILED: 2,
  /** A file, pipe or stream for the command's stdin/stdout/stderr could not be opened or written. */
  OSSH_SLAVE_PIPE_FAILED: 3,
  /** No traffic for `timeout` seconds. */
  OSSH_SLAVE_TIMEOUT: 4,
  /** The remote command exited non-zero or was killed by a signal. */
  OSSH_SLAVE_CMD_FAILED: 5,
  /** An SFTP request failed, or the SFTP channel could not be opened or died. */
  OSSH_SLAVE_SFTP_FAILED: 6,
  /** An argument or output could not be encoded or decoded. */
  OSSH_ENCODING_ERROR: 7,
  /** Not a Net::OpenSSH constant: Net::OpenSSH croaks for these. Thrown synchronously, before anything runs. */
  OSSH_INVALID_ARGUMENT: 100,
  /** Not a Net::OpenSSH constant: the operation was cancelled through an AbortSignal. */
  OSSH_ABORTED: 101,
} as const;

/** One of the codes in {@link ERROR_CODES}. */
export type OpenSSHErrorCode = keyof typeof ERROR_CODES;

/** The fields an {@link OpenSSHError} may carry besides its message. */
export interface OpenSSHErrorDetails {
  /** The host the operation was talking to. */
  host?: string | undefined;
  /** Exit code of the remote command (or of the local ssh process when it failed itself). */
  exitCode?: number | null | undefined;
  /** Signal that ended the remote command or the local ssh process, e.g. `'TERM'`. */
  signal?: string | null | undefined;
  /** The last few KiB that ssh or the command wrote to stderr. */
  stderr?: string | undefined;
  /** Output captured before the failure (capture / capture2 keep partial output). */
  stdout?: string | Buffer | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Every failure net-openssh reports is an `OpenSSHError`: test with `instanceof` and switch on `code`.
 * Messages read `"<what failed>: <why, and what to check>"` and never contain a secret.
 */
export class OpenSSHError extends Error {
  /** Net::OpenSSH constant name, e.g. `'OSSH_MASTER_FAILED'`. */
  readonly code: OpenSSHErrorCode;
  /** Net::OpenSSH's numeric value of {@link code}. */
  readonly errno: number;
  /** The host the operation was talking to. */
  readonly host: string | undefined;
  /** Exit code of the remote command (or of the local ssh process when it failed itself). */
  readonly exitCode: number | null | undefined;
  /** Signal that ended the remote command or the local ssh process, e.g. `'TERM'`. */
  readonly signal: string | null | undefined;
  /** The last few KiB that ssh or the command wrote to stderr. */
  readonly stderr: string | undefined;
  /** Output captured before the failure (capture / capture2 keep partial output). */
  readonly stdout: string | Buffer | undefined;

  constructor(code: OpenSSHErrorCode, message: string, details: OpenSSHErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.errno = ERROR_CODES[code];
    this.host = details.host;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
    this.stdout = details.stdout;
  }

  /** A copy of this error that also carries the output captured so far. */
  withOutput(stdout: string | Buffer, stderr?: string): OpenSSHError {
    return new OpenSSHError(this.code, this.message, {
      host: this.host,
      exitCode: this.exitCode,
      signal: this.signal,
      stderr: stderr ?? this.stderr,
      stdout,
      cause: this.cause,
    });
  }
}
Object.defineProperty(OpenSSHError.prototype, 'name', { value: 'OpenSSHError', enumerable: false });

/** True when `e` is an OpenSSHError, optionally with the given code. */
export const isOpenSSHError = (e: unknown, code?: OpenSSHErrorCode): e is OpenSSHError =>
  e instanceof OpenSSHError && (code === undefined || e.code === code);

const STDERR_TAIL = 4096;
/** The last bytes of a stderr text, as kept on errors. */
export const stderrTail = (text: string): string => (text.length > STDERR_TAIL ? text.slice(-STDERR_TAIL) : text);

const describe = (v: unknown): string => {
  const shown = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'function' ? 'a function' : String(v);
  return `${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} (${v === null ? 'null' : typeof v})`;
};

// ---- factories: the only places that write message text ----

export const invalidArgument = (what: string, ...got: [unknown?]): OpenSSHError =>
  new OpenSSHError('OSSH_INVALID_ARGUMENT', got.length > 0 ? `${what}, got ${describe(got[0])}` : what);

export const unknownOptions = (where: string, names: string[]): OpenSSHError =>
  new OpenSSHError(
    'OSSH_INVALID_ARGUMENT',
    `${where}: unknown option${names.length > 1 ? 's' : ''} ${names.map((n) => `\`${n}\``).join(', ')}`,
  );

export const masterFailed = (host: string | undefined, reason: string, extra: OpenSSHErrorDetails = {}): OpenSSHError =>
  new OpenSSHError('OSSH_MASTER_FAILED', `unable to establish master SSH connection: ${reason}`, { host, ...extra });

export const masterGone = (host: string | undefined, reason: string, extra: OpenSSHErrorDetails = {}): OpenSSHError =>
  new OpenSSHError('OSSH_MASTER_FAILED', `master SSH connection failed: ${reason}`, { host, ...extra });

export const ctlDirFailed = (host: string | undefined, reason: string): OpenSSHError =>
  new OpenSSHError('OSSH_MASTER_FAILED', reason, { host });

export const slaveFailed = (host: string | undefined, reason: string, cause?: unknown): OpenSSHError =>
  new OpenSSHError('OSSH_SLAVE_FAILED', `unable to run ssh slave: ${reason}`, { host, cause });

export const pipeFailed = (host: string | undefined, reason: string, cause?: unknown): OpenSSHError =>
  new OpenSSHError('OSSH_SLAVE_PIPE_FAILED', reason, { host, cause });

export const slaveTimeout = (host: string | undefined, seconds: number, killed: boolean): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_TIMEOUT',
    `ssh slave failed: timed out after ${seconds} s without traffic` +
      (killed ? ' (the command was killed)' : ' (the command was left running; set killSshOnTimeout to end it)'),
    { host },
  );

/**
 * A call whose timeout passed while it still waited for a free session on the master: the command never started
 * (and never will: it is taken out of the wait). `held` says which sessions are taken (SessionBudget.describe).
 */
export const sessionWaitTimeout = (host: string | undefined, seconds: number, held: string): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_TIMEOUT',
    `ssh slave failed: timed out after ${seconds} s waiting for a free session on the master; the command never ` +
      `started: ${held}`,
    { host },
  );

// An `ssh -S` slave whose session the server refused (mostly sshd's MaxSessions). ssh then tries a connection of
// its own, which the slave's ProxyCommand=false stops, so its last line ("kex_exchange_identification...") misleads.
const MUX_SESSION_REFUSED = /mux_client_request_session: session request failed: ([^\n]*)/;

export const slaveCmdFailed = (
  host: string | undefined,
  exitCode: number | null,
  signal: string | null,
  stderr?: string,
  note?: string,
): OpenSSHError => {
  const refused = exitCode === 255 ? MUX_SESSION_REFUSED.exec(stderr ?? '') : null;
  if (refused)
    return new OpenSSHError(
      'OSSH_SLAVE_FAILED',
      `unable to run ssh slave: the server refused a new session on the master (${refused[1]!.trim()}): its ` +
        `MaxSessions is probably reached (a command whose slave was killed counts until it ends); run fewer at ` +
        `once, or use the mux engine, which queues`,
      { host, exitCode, signal, stderr: stderrTail(stderr!) },
    );
  // the engine's note says what happened (the mux engine has no child: e.g. the server closed the channel without an
  // exit status, and 255 stands for it as with ssh)
  const how = note
    ? `${signal ? `signal ${signal}` : `exit code ${exitCode}`}: ${note}`
    : `the command ${exitDescription(exitCode, signal)}`;
  const tail = stderr?.trim().split('\n').pop();
  const restricted = tail !== undefined && restrictedShellLine(tail) !== undefined ? RESTRICTED_HINT : '';
  return new OpenSSHError('OSSH_SLAVE_CMD_FAILED', tail ? `${how}: ${tail}${restricted}` : how, {
    host,
    exitCode,
    signal,
    stderr: stderr === undefined ? undefined : stderrTail(stderr),
  });
};

const RESTRICTED_HINT =
  " (the server's login shell is a restricted shell, rbash: it refuses `/` in command names, cd, exec and " +
  'output redirections)';

/**
 * A command on an sftp-only account (sshd's `ForceCommand internal-sftp`), which sshd answers with
 * {@link SFTP_ONLY_SAID} and exit status 1 instead of running it. `what` is what could not run.
 */
export const sftpOnly = (host: string | undefined, what: string, extra: OpenSSHErrorDetails = {}): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_FAILED',
    `unable to run ssh slave: the server allows this account sftp only (it said "${SFTP_ONLY_SAID}": sshd's ` +
      `ForceCommand internal-sftp), so ${what} cannot run there: use sftp(), or scpPut/scpGet in their default ` +
      '(sftp) mode',
    { host, ...extra },
  );

/**
 * A restricted shell (rbash) that refused the output redirection the library appended for `options` (e.g.
 * `stdoutDiscard`, Net::OpenSSH's quote_args_extended): the command did not run. `line` is the shell's words.
 */
export const restrictedRedirection = (
  host: string | undefined,
  line: string,
  options: readonly string[],
  extra: OpenSSHErrorDetails = {},
): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_FAILED',
    `unable to run ssh slave: the server's restricted shell refused the output redirection that ` +
      `${options.map((o) => `\`${o}\``).join(' and ')} adds to the command line (${line}), so the command did not ` +
      'run: pass `quoteArgsExtended: false` to discard that output on this side instead',
    { host, ...extra },
  );

/**
 * How a process ended, in the same words on both engines ("exited with code 127 (command not found)", "was
 * ended by signal TERM"). Net::OpenSSH says "child exited with code N"; the mux engine has no child, so the
 * message names the command (or the tool) instead.
 */
export const exitDescription = (code: number | null, signal: string | null | undefined): string =>
  signal ? `was ended by signal ${signal}` : `exited with code ${code}${exitCodeHint(code)}`;

const exitCodeHint = (code: number | null): string =>
  code === 127 ? ' (command not found)' : code === 126 ? ' (command not executable)' : '';

export const encodingError = (host: string | undefined, reason: string): OpenSSHError =>
  new OpenSSHError('OSSH_ENCODING_ERROR', reason, { host });

/** The connection-level form of a quoting module error (a QuotingError: same code, same message). */
export const fromQuotingError = (
  host: string | undefined,
  e: Error & { code: 'OSSH_ENCODING_ERROR' | 'OSSH_INVALID_ARGUMENT' },
): OpenSSHError => new OpenSSHError(e.code, e.message, { host, cause: e });

/** A fleet host whose command went past the run's per-host time budget (`budget`) and was ended. */
export const budgetExceeded = (host: string | undefined, seconds: number): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_TIMEOUT',
    `ssh slave failed: over the time budget of ${seconds} s (the command was ended)`,
    {
      host,
    },
  );

/** A fleet host ended (or never run) because another host failed under `onError: 'abort'`. */
export const runAbortedAfter = (host: string | undefined, failedHost: string): OpenSSHError =>
  new OpenSSHError('OSSH_ABORTED', `the run was aborted after ${failedHost} failed (onError: 'abort')`, { host });

export const aborted = (host: string | undefined, reason?: unknown): OpenSSHError =>
  new OpenSSHError('OSSH_ABORTED', 'the operation was aborted', { host, cause: reason });
