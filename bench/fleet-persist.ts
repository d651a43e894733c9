// bench:fleet's persist part: a fleet opened with `persist` starts a master per host and leaves them when it
// closes; the same fleet opened again (the second run of a script, the next `run --persist`) finds them. A host
// whose master has the pid it had in the first run reused it; any other pid was started anew.
import { fleet, OpenSSH } from '../src/index';
import type { FleetHost } from '../src/fleet/types';
import type { OpenSSHOptions } from '../src/core/options';

/** One run: time until every master was ready, and each ready host's master pid. */
export interface PersistRun {
  readyMs: number;
  failed: string[];
  pids: Map<string, number>;
}

/** Opens the fleet with `persist` in `ctlDir`, waits for every master, lets go of them (they stay). */
export const persistRun = async (
  hosts: readonly FleetHost[],
  options: OpenSSHOptions,
  ctlDir: string,
  concurrency: number,
): Promise<PersistRun> => {
  const t0 = performance.now();
  const fl = fleet(hosts, { options: { ...options, ctlDir, persist: '10m' }, concurrency });
  try {
    const { running, failed } = await fl.connected();
    const readyMs = performance.now() - t0;
    const pids = new Map(running.map((h) => [h, fl.connection(h)?.masterPid ?? -1]));
    return { readyMs, failed: failed.map((f) => `${f.host}: ${f.error.message}`), pids };
  } finally {
    await fl.close(); // lets go: a persistent master stays for the next run
  }
};

/** How the second run's masters compare with the first's: the same pid (reused) or another (started). */
export const compareRuns = (first: PersistRun, second: PersistRun): { reused: number; started: number } => {
  let reused = 0;
  for (const [h, pid] of second.pids) if (first.pids.get(h) === pid) reused++;
  return { reused, started: second.pids.size - reused };
};

/** The persistent masters listed in `ctlDir` (alive, answering on their socket). */
export const listed = async (ctlDir: string): Promise<number> => (await OpenSSH.persistentMasters({ ctlDir })).length;

/** Ends every persistent master in `ctlDir` (only the bench's: the directory is its own); how many. */
export const stopAll = async (ctlDir: string): Promise<number> =>
  (await OpenSSH.stopPersistentMasters({ ctlDir })).length;
