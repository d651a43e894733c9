// Listing and ending the persistent masters in a ctlDir (OpenSSH.persistentMasters / stopPersistentMasters).
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultCtlDir } from '../ctl-path';
import { muxTerminate } from '../engines/mux/control-socket';
import { masterGone } from '../errors';
import { infoPathOf, readMasterInfo } from './master-info';
import { probeMaster } from './master-probe';
import { PERSISTENT_NAME } from './persist-key';
import { waitGone } from './process-alive';
import { lockPathOf, tryStartLock } from './start-lock';

/** A live persistent master found in a ctlDir. */
export interface PersistentMaster {
  /** `user@host:port` of the connection that started it; undefined when its info file is missing. */
  destination: string | undefined;
  /** Its control socket. */
  ctlPath: string;
  /** The master ssh process id (from the ControlMaster alive check). */
  pid: number;
  /**
   * Seconds since the master began listening (the modification time of its control socket). This is its
   * age, not its idle time: OpenSSH does not tell how long a master has had no client.
   */
  ageSeconds: number;
  /** The `persist` duration it was started with: it ends that long after its last client leaves. */
  persistSeconds: number | undefined;
  /** Ends it (`ssh -O exit` through the socket) and waits until its process is gone. */
  stop(): Promise<void>;
}

const LIST_TIMEOUT_MS = 2000;
const STOP_WAIT_MS = 5000;
const KILL_WAIT_MS = 2000;

const entries = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/**
 * Ends the persistent master at `ctlPath` (`ssh -O exit` through the socket), waits until `pid` has exited, removes its
 * info file. A master that does not exit on `ssh -O exit` (stopped, hung) gets SIGTERM, then SIGKILL; rejects with
 * OSSH_MASTER_FAILED if even that leaves it running. Exited means no longer running: a zombie that init has not reaped
 * yet counts as gone (it is init's to reap; an init that never reaps, PID 1 in a container without one, would
 * otherwise hang this), so `ps` may still list it as `<defunct>` a moment after this resolves.
 */
export const endPersistentMaster = async (ctlPath: string, pid: number): Promise<void> => {
  await muxTerminate(ctlPath, LIST_TIMEOUT_MS).catch(() => {}); // already gone is fine
  if (!(await waitGone(pid, STOP_WAIT_MS))) await killStuck(ctlPath, pid);
  rmSync(infoPathOf(ctlPath), { force: true });
};

/** A master that ignored `ssh -O exit`: SIGTERM, then SIGKILL (the pid was checked to be ours by the probe). */
const killStuck = async (ctlPath: string, pid: number): Promise<void> => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // gone meanwhile
    }
    if (!(await waitGone(pid, KILL_WAIT_MS))) continue;
    // a SIGKILLed ssh leaves its socket behind: remove it unless another master answers there by now
    const seen = await probeMaster(ctlPath, undefined, LIST_TIMEOUT_MS).catch(() => undefined);
    if (seen?.kind === 'alive') seen.socket.destroy();
    else if (seen?.kind === 'stale') rmSync(ctlPath, { force: true });
    return;
  }
  throw masterGone(
    undefined,
    `the persistent master (pid ${pid}) at ${ctlPath} is still running after ssh -O exit, SIGTERM and SIGKILL`,
  );
};

/**
 * The live persistent masters of this user in `ctlDir`. Asking a master for its pid is a client visit, so
 * listing restarts each master's idle countdown (as `ssh -O check` does). Sockets of other users, and
 * ones nothing answers on, are left out.
 */
export const persistentMasters = async (ctlDir: string = defaultCtlDir()): Promise<PersistentMaster[]> => {
  const dir = resolve(ctlDir);
  const found: PersistentMaster[] = [];
  for (const name of entries(dir)
    .filter((n) => PERSISTENT_NAME.test(n))
    .sort()) {
    const ctlPath = join(dir, name);
    const seen = await probeMaster(ctlPath, undefined, LIST_TIMEOUT_MS).catch(() => undefined);
    if (seen?.kind !== 'alive') continue;
    seen.socket.destroy();
    let mtime: number;
    try {
      mtime = lstatSync(ctlPath).mtimeMs;
    } catch {
      continue; // ended meanwhile
    }
    const info = readMasterInfo(ctlPath);
    const pid = seen.pid;
    found.push({
      destination: info?.destination,
      ctlPath,
      pid,
      ageSeconds: Math.max(0, Math.round((Date.now() - mtime) / 1000)),
      persistSeconds: info?.persistSeconds,
      stop: () => endPersistentMaster(ctlPath, pid),
    });
  }
  return found;
};

/**
 * Ends every persistent master of this user in `ctlDir` and tidies up: stale sockets (nothing listening), info
 * files left by masters that expired and start locks of processes that are gone are removed (a socket or info
 * file only under its start lock). Resolves with what was stopped.
 */
export const stopPersistentMasters = async (ctlDir: string = defaultCtlDir()): Promise<PersistentMaster[]> => {
  const live = await persistentMasters(ctlDir);
  await Promise.all(live.map((m) => m.stop()));
  const dir = resolve(ctlDir);
  for (const name of entries(dir)) {
    const base = name.replace(/\.(info|lock)$/, '');
    if (!PERSISTENT_NAME.test(base)) continue;
    const ctlPath = join(dir, base);
    let lock = tryStartLock(lockPathOf(ctlPath));
    // a stale lock was just broken
    if (!lock.held && lock.holder === undefined) lock = tryStartLock(lockPathOf(ctlPath));
    if (!lock.held) continue; // a start is under way: not ours to tidy
    try {
      const seen = await probeMaster(ctlPath, undefined, LIST_TIMEOUT_MS).catch(() => undefined);
      if (seen?.kind === 'alive') seen.socket.destroy();
      else if (seen) {
        rmSync(ctlPath, { force: true });
        rmSync(infoPathOf(ctlPath), { force: true });
      }
    } finally {
      lock.release();
    }
  }
  return live;
};
