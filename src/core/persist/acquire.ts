// Finding or claiming a persistent master: reuse a live one; otherwise take the start lock, look again
// (another process may have just finished), remove a stale socket, and let the caller start the master.
import { rmSync } from 'node:fs';
import { masterFailed } from '../errors';
import { probeMaster, type Probe } from './master-probe';
import { lockPathOf, tryStartLock } from './start-lock';

/** Reuse the live master (its pid and open control connection), or start one while holding the lock. */
export type Acquired =
  | Extract<Probe, { kind: 'alive' }>
  | { kind: 'start'; release: () => void }
  | { kind: 'cancelled' };

const POLL_MS = 25;

/**
 * Waits until `ctlPath` has a live master of ours, or until this process holds the start lock with no
 * socket in the way. Rejects with OSSH_MASTER_FAILED for a socket that must not be used, or when another
 * process holds the lock past `deadline` (epoch ms). `wanted()` false ends the wait (`cancelled`).
 */
export const acquirePersistent = async (
  ctlPath: string,
  host: string | undefined,
  deadline: number,
  wanted: () => boolean,
): Promise<Acquired> => {
  const lockPath = lockPathOf(ctlPath);
  for (;;) {
    if (!wanted()) return { kind: 'cancelled' };
    const seen = await probeMaster(ctlPath, host);
    if (seen.kind === 'alive') return seen;
    const lock = tryStartLock(lockPath);
    if (lock.held) {
      let again: Probe;
      try {
        again = await probeMaster(ctlPath, host);
      } catch (e) {
        lock.release();
        throw e;
      }
      if (again.kind === 'alive') {
        lock.release();
        return again;
      }
      if (again.kind === 'stale') rmSync(ctlPath, { force: true }); // nobody listens: safe under the lock
      return { kind: 'start', release: lock.release };
    }
    if (Date.now() > deadline) {
      const who = lock.holder === undefined ? 'another process' : `process ${lock.holder}`;
      throw masterFailed(
        host,
        `${who} is still starting the persistent master at ${ctlPath} (lock ${lockPath}); remove the lock if ` +
          `no such start is under way`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS).unref()); // whoever waits for the master holds the process
  }
};
