// How one host's transfer came out, shared by the transfer command and its views.
import type { OpenSSHError } from '../../core/errors';
import { oneLine } from './format';

/** One host's transfer outcome. */
export interface TransferResult {
  host: string;
  ok: boolean;
  /** Bytes moved, as far as the tool reported. */
  bytes: number;
  durationMs: number;
  /** The transfer started (its master came up). */
  started: boolean;
  /** get: the local directory this host's files went to. */
  path?: string | undefined;
  error?: OpenSSHError | undefined;
  interrupted?: true;
}

/** Why a transfer failed, in one line. */
export const describeError = (r: TransferResult): string =>
  r.interrupted ? 'interrupted' : r.error ? `${r.error.code}: ${oneLine(r.error.message)}` : 'failed';
