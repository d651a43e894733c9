// A lock file beside a persistent control socket (`<ctlPath>.lock`, created with O_EXCL, holding the owner's
// pid and a nonce): only its holder may remove a stale socket and start a master; everyone else waits, then
// reuses that master. A lock whose owner is gone is broken without ever removing a live owner's lock.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { hold } from '../keep-alive';
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
  // the nonce tells this lock from a later one at the same path (inode numbers are reused at once)
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return inspect(lockPath);
  }
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
  let released = false;
  // a start under way keeps the process alive: exiting would leave the lock for others to wait on, then break
  const letGo = hold();
  return {
    held: true,
    release: () => {
      if (released) return;
      released = true;
      letGo();
      if (read(lockPath)?.text === token) rmSync(lockPath, { force: true });
    },
  };
};

/** A lock file's content and identity (inode and mtime: an empty lock has no token yet), or undefined when gone. */
const read = (p: string): { text: string; id: string; ageMs: number } | undefined => {
  let fd: number;
  try {
    fd = openSync(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(64);
    const text = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    return { text, id: `${st.ino}:${st.mtimeMs}:${text}`, ageMs: Date.now() - st.mtimeMs };
  } finally {
    closeSync(fd);
  }
};

/** Someone else's lock: who holds it, breaking it when its holder is gone. */
const inspect = (lockPath: string): StartLock => {
  const seen = read(lockPath);
  if (!seen) return { held: false, holder: undefined }; // just released
  const pid = Number.parseInt(seen.text, 10);
  const known = Number.isInteger(pid) && pid > 0;
  const stale = seen.ageMs > MAX_AGE_MS || (known ? !isAlive(pid) : seen.ageMs > EMPTY_GRACE_MS);
  if (!stale) return { held: false, holder: known ? pid : undefined };
  breakStale(lockPath, seen.id);
  return { held: false, holder: undefined };
};

/** A breaker's claim older than this was left by a process that died mid-break (a break takes microseconds). */
const BREAK_MAX_AGE_MS = 30_000;

/**
 * Removes the stale lock `id`. Breakers take turns through `<lock>.break` (O_EXCL, held for a few
 * synchronous calls), so between the second look and the unlink nobody else can touch the lock: a live
 * holder's lock is never removed, and no two processes ever both think they broke it.
 */
const breakStale = (lockPath: string, id: string): void => {
  const breakPath = `${lockPath}.break`;
  let fd: number;
  try {
    fd = openSync(breakPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const claim = read(breakPath);
    if (claim && claim.ageMs > BREAK_MAX_AGE_MS) rmSync(breakPath, { force: true });
    return; // another process is breaking it: look again later
  }
  closeSync(fd);
  try {
    if (read(lockPath)?.id === id) rmSync(lockPath, { force: true });
  } finally {
    rmSync(breakPath, { force: true });
  }
};
