// What an open tunnel is, and the error of one that was refused or broke.
import type { Duplex } from 'node:stream';
import { OpenSSHError, stderrTail } from '../core/errors';
import { showTarget, type TunnelTarget } from './tunnel-options';

/** An open tunnel. */
export interface Tunnel {
  /**
   * Writes go to the far end, reads come from it. Emits 'error' (an OpenSSHError) if the tunnel fails or is refused.
   */
  readonly socket: Duplex;
  /** The local ssh process (`ssh -W`), when there is one. */
  readonly pid: number | undefined;
  /**
   * Settles when the tunnel has ended: resolves after a normal close, rejects with the error of a refused or failed
   * one.
   */
  readonly closed: Promise<void>;
  /** Ends the tunnel now. */
  close(): void;
}

/** The error for a tunnel that could not be opened or broke. */
export const tunnelFailed = (
  host: string,
  target: TunnelTarget,
  reason: string,
  details: { exitCode?: number | null; stderr?: string } = {},
): OpenSSHError =>
  new OpenSSHError('OSSH_SLAVE_FAILED', `tunnel to ${showTarget(target)} failed: ${reason}`, {
    host,
    exitCode: details.exitCode,
    stderr: details.stderr === undefined ? undefined : stderrTail(details.stderr),
  });

/** The error for a tunnel whose connect phase (the remote side's connect to the target) outlasted `seconds`. */
export const tunnelTimeout = (host: string, target: TunnelTarget, seconds: number): OpenSSHError =>
  new OpenSSHError(
    'OSSH_SLAVE_TIMEOUT',
    `tunnel to ${showTarget(target)} failed: not open after ${seconds} s ` +
      "(the remote side's connection did not complete); the tunnel was closed",
    { host },
  );
