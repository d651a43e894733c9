// The persistent start of one connection: its control path (derived, or the given ctlPath), the safety
// checks of its directory, then reuse of the live master there or the start lock to start one.
import { dirname } from 'node:path';
import type { Socket } from 'node:net';
import { ctlDirFailed, type OpenSSHError } from '../errors';
import { defaultCtlDir, MAX_CTL_PATH, prepareCtlDir } from '../ctl-path';
import type { ConnectionSettings } from '../options';
import { acquirePersistent } from './acquire';
import { persistentCtlPath } from './persist-key';

/** What a persistent connection does next: attach to a live master, start one (lock held), stop, or fail. */
export type Claim =
  | { kind: 'alive'; ctlPath: string; pid: number; socket: Socket }
  | { kind: 'start'; ctlPath: string; release: () => void }
  | { kind: 'cancelled'; ctlPath: string }
  | { kind: 'failed'; ctlPath: string; error: OpenSSHError };

/** How long to wait for another process's start when the connection has no `timeout`. */
const DEFAULT_WAIT_S = 120;

/** The control path of a persistent connection: the given ctlPath, else derived from its options inside ctlDir. */
export const persistentPathOf = (s: ConnectionSettings): string =>
  s.ctlPath ?? persistentCtlPath(s.ctlDir ?? defaultCtlDir(), s);

/** Finds the live master of these settings or claims the right to start it; `wanted()` false cancels. */
export const claimPersistent = async (s: ConnectionSettings, host: string, wanted: () => boolean): Promise<Claim> => {
  const ctlPath = persistentPathOf(s);
  const bytes = Buffer.byteLength(ctlPath);
  const bad =
    bytes > MAX_CTL_PATH
      ? ctlDirFailed(
          host,
          `ctlPath ${ctlPath} is too long (${bytes} bytes; at most ${MAX_CTL_PATH} on this OS): choose a ` +
            `shorter ctlDir`,
        )
      : prepareCtlDir(dirname(ctlPath), s.strictMode, host);
  if (bad) return { kind: 'failed', ctlPath, error: bad };
  const deadline = Date.now() + (s.timeout ?? DEFAULT_WAIT_S) * 1000;
  let got: Awaited<ReturnType<typeof acquirePersistent>>;
  try {
    got = await acquirePersistent(ctlPath, host, deadline, wanted);
  } catch (e) {
    return { kind: 'failed', ctlPath, error: e as OpenSSHError };
  }
  if (got.kind === 'cancelled' || !wanted()) {
    if (got.kind === 'alive') got.socket.destroy();
    if (got.kind === 'start') got.release();
    return { kind: 'cancelled', ctlPath };
  }
  return { ...got, ctlPath };
};
