// The errors the SFTP client raises: OpenSSHErrors (code OSSH_SLAVE_SFTP_FAILED) that also carry the
// SFTP status, the operation and the path, so callers can switch on `statusName` and show `path`.
import { OpenSSHError } from '../core/errors';
import { statusName, type SftpStatusName } from './constants';

/** What an SftpError carries beyond OpenSSHError. */
export interface SftpErrorDetails {
  /** The SFTP operation, e.g. `'stat'`, `'open'`, `'get'`. */
  op?: string | undefined;
  /** The remote path (or, with `local`, the local path) the operation was about. */
  path?: string | undefined;
  /** The SFTP status code from the server, when the server refused. */
  status?: number | undefined;
  /** True when the failure was on the local file system (get/put). */
  local?: boolean | undefined;
  /** The host, for the message. */
  host?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** An SFTP failure. `code` is always `OSSH_SLAVE_SFTP_FAILED`; `statusName` says what the server answered. */
export class SftpError extends OpenSSHError {
  /** The SFTP operation, e.g. `'stat'`, `'open'`, `'get'`. */
  readonly op: string | undefined;
  /** The remote path (or, with `local`, the local path) the operation was about. */
  readonly path: string | undefined;
  /** The SFTP status code (2 = no such file, 3 = permission denied, 4 = failure, 8 = unsupported...). */
  readonly status: number | undefined;
  /** The name of {@link status}, e.g. `'NO_SUCH_FILE'`. */
  readonly statusName: SftpStatusName | `UNKNOWN_${number}` | undefined;
  /** True when the failure was on the local file system (get/put). */
  readonly local: boolean;

  constructor(message: string, d: SftpErrorDetails = {}) {
    super('OSSH_SLAVE_SFTP_FAILED', message, { host: d.host, cause: d.cause });
    this.op = d.op;
    this.path = d.path;
    this.status = d.status;
    this.statusName = d.status === undefined ? undefined : statusName(d.status);
    this.local = d.local ?? false;
  }
}

const shown = (path: string | undefined): string => (path === undefined ? '' : ` ${JSON.stringify(path)}`);

/** The server answered a request with a failure status. */
export const statusError = (
  host: string | undefined,
  op: string,
  path: string | undefined,
  status: number,
  text: string,
): SftpError =>
  new SftpError(
    `sftp ${op}${shown(path)}: ${text || statusName(status).toLowerCase().replace(/_/g, ' ')} (${statusName(status)})`,
    {
      host,
      op,
      path,
      status,
    },
  );

/** The subsystem channel ended or failed: every pending and later request gets this. */
export const channelClosed = (host: string | undefined, reason: string, cause?: unknown): SftpError =>
  new SftpError(`sftp channel closed: ${reason}`, { host, cause });

/** The server sent something this client cannot read. */
export const protocolError = (host: string | undefined, reason: string, cause?: unknown): SftpError =>
  new SftpError(`sftp protocol error: ${reason}`, { host, cause });

/** The server does not offer an extension the call needs. */
export const unsupported = (
  host: string | undefined,
  op: string,
  path: string | undefined,
  extension: string,
): SftpError =>
  new SftpError(`sftp ${op}${shown(path)}: the server does not support ${extension}`, { host, op, path, status: 8 });

/** A local file could not be opened, read or written during get/put. */
export const localFileError = (host: string | undefined, op: string, path: string, cause: unknown): SftpError =>
  new SftpError(`sftp ${op}: local file ${JSON.stringify(path)}: ${(cause as Error)?.message ?? String(cause)}`, {
    host,
    op,
    path,
    local: true,
    cause,
  });

/**
 * A request got no reply within `seconds`. An SFTP request cannot be withdrawn and its reply would still
 * come one day on the same stream, so the session is closed with it: OSSH_SLAVE_TIMEOUT naming the request.
 */
export const requestTimeout = (host: string | undefined, op: string, path: string | undefined, s: number) => {
  const message = `sftp ${op}${shown(path)}: no reply within ${s} s; the session was closed`;
  return new OpenSSHError('OSSH_SLAVE_TIMEOUT', message, { host });
};

/** What the other pending and later requests get after a request timed out (see {@link requestTimeout}). */
export const closedAfterTimeout = (host: string | undefined, op: string, path: string | undefined, s: number) =>
  channelClosed(host, `sftp ${op}${shown(path)} got no reply within ${s} s`);
