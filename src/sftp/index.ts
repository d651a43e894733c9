// The SFTP client's public surface, and `sftp(ssh)`: a client over the `sftp` subsystem of a master.
import type { SftpConnection } from '../conn';
import { isOpenSSHError, stderrTail, type OpenSSHError } from '../core/errors';
import { createSftp, SftpClient } from './client';
import { effectiveTimeout } from '../conn';
import { assertTimeout } from '../core/validate';
import { channelClosed } from './sftp-errors';
import { fsNames } from './fs-encoding';

export { createSftp, SftpClient, SftpHandle } from './client';
export type { CreateSftpOptions, SftpDirEntry, SftpLimits, SftpOpenFlags, SftpStatVfs, SftpTransport } from './client';
export { SftpStats } from './attrs';
export type { SftpAttrInput } from './attrs';
export { SftpError } from './sftp-errors';
export type { SftpErrorDetails } from './sftp-errors';
export { FX as SFTP_STATUS, OPEN as SFTP_OPEN_FLAGS } from './constants';
export type { SftpStatusName } from './constants';
export { TransferHandle } from './progress';
export type { TransferProgress, TransferResult } from './progress';
export type { TransferOptions } from './transfer';
export type { LsOptions, SftpListEntry, SftpWalkEntry, WalkOptions } from './listing';
export type { SftpConnection } from '../conn';

/** Options of {@link sftp}. */
export interface SftpOptions {
  /** Extra ssh options for the subsystem's slave (spawn engine). */
  sshOpts?: string[] | undefined;
  /** The largest packet accepted from the server, in bytes. @default 4 MiB */
  maxPacket?: number | undefined;
  /**
   * Seconds each request may wait for its reply; then it fails with OSSH_SLAVE_TIMEOUT naming it and the session
   * is closed (an SFTP request cannot be withdrawn: open a new client). 0 turns it off.
   * @default the connection's `timeout`
   */
  timeout?: number | undefined;
  /**
   * The encoding of file names on the server (Net::SFTP::Foreign's `fs_encoding`): utf8, latin1 or ascii.
   * Paths are sent in it and names read back decoded from it. @default utf8
   */
  fsEncoding?: string | undefined;
}

// how long `end()` lets the ssh slave exit on its own after EOF before ending it
const EXIT_GRACE_MS = 3000;
// how long a closed channel may take to end after a request timed out (the server is stuck: it may never)
const STUCK_GRACE_MS = 500;
// how long a dying channel waits for the slave's exit status to explain itself
const EXPLAIN_MS = 1000;

const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });

// The subsystem exited before its VERSION, saying nothing: sshd does not pass a subsystem's stderr on, so its reason
// stays on the server. The one cause seen here: a restricted login shell refusing an external sftp-server's path.
const NEVER_ANSWERED =
  "the server's sftp subsystem ended before it answered (sshd does not pass its stderr on): check the server's " +
  '`Subsystem sftp` line; a restricted login shell (rbash) cannot start an external sftp-server by its path, ' +
  'internal-sftp needs no shell';

/**
 * Opens the `sftp` subsystem on `ssh`'s master and returns a connected client (INIT/VERSION done, extensions and
 * limits recorded). `await client.end()` (or `await using`) closes the channel and reaps its ssh process.
 */
export const sftp = async (ssh: SftpConnection, opts: SftpOptions = {}): Promise<SftpClient> => {
  const host = ssh.getHost();
  const timeout = effectiveTimeout(assertTimeout('timeout', opts.timeout), ssh.timeout);
  fsNames(opts.fsEncoding); // a bad encoding fails before the subsystem starts
  const proc = await ssh.openEx(
    {
      subsystem: true,
      stdinPipe: true,
      stdoutPipe: true,
      stderrPipe: true,
      ...(opts.sshOpts ? { sshOpts: opts.sshOpts } : {}),
    },
    'sftp',
  );
  let stderr = '';
  const { stdout, stdin } = proc as typeof proc & {
    stdout: NonNullable<typeof proc.stdout>;
    stdin: NonNullable<typeof proc.stdin>;
  };
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (s: string) => (stderr = stderrTail(stderr + s)));
  const explain = async (): Promise<OpenSSHError | undefined> => {
    try {
      const status = await within(proc.exit, EXPLAIN_MS);
      const how =
        status === undefined
          ? 'the subsystem stream ended'
          : status.signal
            ? `ssh ended by signal ${status.signal}`
            : `ssh exited with code ${status.code}`;
      const tail = stderr.trim().split('\n').pop();
      const early = status !== undefined && !status.signal && client.version === 0 ? `: ${NEVER_ANSWERED}` : '';
      return channelClosed(host, tail ? `${how}: ${tail}` : `${how}${early}`);
    } catch (e) {
      return isOpenSSHError(e) ? e : channelClosed(host, String(e), e);
    }
  };
  const reap = async (stuck: boolean): Promise<void> => {
    try {
      // after a request timed out the server is stuck: it will not exit on its own
      if (stuck || (await within(proc.exit, EXIT_GRACE_MS)) === undefined) {
        proc.close();
        // a server stuck in the kernel (a FIFO) keeps its session, and the master our pipes: let go of them
        if ((await within(proc.exit, stuck ? STUCK_GRACE_MS : EXIT_GRACE_MS)) === undefined) {
          for (const s of [proc.stdin, proc.stdout, proc.stderr]) s?.destroy();
        }
      }
    } catch {
      // the exit error already reached the requests
    }
  };
  const client = new SftpClient(
    { stdout, stdin },
    {
      host,
      pid: proc.pid,
      maxPacket: opts.maxPacket,
      onClose: reap,
      explainClose: explain,
      timeout,
      fsEncoding: opts.fsEncoding,
    },
  );
  proc.exit.then(
    () => undefined,
    (e: unknown) => client.destroy(isOpenSSHError(e) ? e : channelClosed(host, String(e), e)),
  );
  try {
    await client.init();
  } catch (e) {
    client.destroy();
    await client.closed;
    throw e;
  }
  return client;
};

// createSftp is the transport-level entry for callers with their own stream
void createSftp;
