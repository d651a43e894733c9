// How one host's outcome reads in a line or a table cell, the same in every view.
import type { HostResult } from '../../fleet/types';
import { oneLine } from './format';

/**
 * What a host came to: its exit status column (`0`, `3`, `TERM`, `-`) and, unless it is a plain exit status, why it
 * failed.
 */
export const describeResult = (r: HostResult): { exit: string; error: string } => {
  const exit = r.exitCode !== null ? String(r.exitCode) : r.signal !== null ? r.signal : '-';
  // a plain non-zero exit needs no more words; anything else (no connection, timeout) says why
  const plainExit = r.exitCode !== null || r.signal !== null;
  const error =
    r.ok || !r.error || (plainExit && r.error.code === 'OSSH_SLAVE_CMD_FAILED')
      ? ''
      : `${r.error.code}: ${oneLine(r.error.message)}`;
  return { exit, error };
};

/** The result of a host whose command was still pending when the run was interrupted. */
export const interruptedResult = (host: string): HostResult & { interrupted: true } => ({
  host,
  ok: false,
  exitCode: null,
  signal: null,
  durationMs: 0,
  bytesOut: 0,
  bytesErr: 0,
  interrupted: true,
});
