// A lock file beside a persistent control socket (`<ctlPath>.lock`, created with O_EXCL and holding the
// owner's pid): only its holder may remove a stale socket and start a master; everyone else waits, then
// reuses that master. A lock whose owner is gone is broken without ever removing a live owner's lock.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { isAlive } from './process-alive';

/** The outcome of one attempt: held (with its release), or held by someone else (their pid, when known). */
export type StartLock = { held: true; release: () => void } | { held: false; holder: number | undefined };

/** A lock created this recently may not have its pid written yet. */
const EMPTY_GRACE_MS = 2000;
/** No start takes this long: an older lock is stale whatever its pid says (the pid may have been reused). */
const MAX_AGE_MS = 10 * 60_000;

/** The lock file of a control path. */
export const lockPathOf = (ctlPath: string): string => `${ctlPath}.lock`;

/** Tries once to take the lock; a stale lock found on the way is broken (the next attempt may then succeed). */
export const tryStartLock = (lockPath: string): StartLock => {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return inspect(lockPath);
  }
  let ino: number;
  try {
    writeSync(fd, `${process.pid}\n`);
    ino = fstatSync(fd).ino;
  } finally {
    closeSync(fd);
  }
  let released = false;
  return {
    held: true,
    release: () => {
      if (released) return;
      released = true;
      if (inodeOf(lockPath) === ino) rmSync(lockPath, { force: true });
    },
  };
};

const inodeOf = (p: string): number | undefined => {
  try {
    return lstatSync(p).ino;
  } catch {
    return undefined;
  }
};

/** Someone else's lock: who holds it, breaking it when its holder is gone. */
const inspect = (lockPath: string): StartLock => {
  let fd: number;
  try {
    fd = openSync(lockPath, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { held: false, holder: undefined }; // just released
    throw e;
  }
  let ino: number;
  let age: number;
  let pid: number;
  try {
    const st = fstatSync(fd);
    ino = st.ino;
    age = Date.now() - st.mtimeMs;
    const buf = Buffer.alloc(32);
    pid = Number.parseInt(buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)), 10);
  } finally {
    closeSync(fd);
  }
  const known = Number.isInteger(pid) && pid > 0;
  const stale = age > MAX_AGE_MS || (known ? !isAlive(pid) : age > EMPTY_GRACE_MS);
  if (!stale) return { held: false, holder: known ? pid : undefined };
  breakStale(lockPath, ino);
  return { held: false, holder: undefined };
};

/**
 * Removes exactly the stale lock `ino`: it is first renamed aside (atomic), and if what was moved turns
 * out to be a fresh lock taken meanwhile, it is linked back (link never overwrites a newer one).
 */
const breakStale = (lockPath: string, ino: number): void => {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // already broken or released by someone else
  }
  if (inodeOf(aside) !== ino) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a newer lock exists already; OpenSSH's own atomic link() of the socket still allows one master only
    }
  }
  rmSync(aside, { force: true });
};
