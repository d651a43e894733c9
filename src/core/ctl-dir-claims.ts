// Directories this process created for control sockets, and the connections using them. When the last
// connection using one has ended, what was created is removed again: only those directories, only while empty,
// never the default ctlDir (another process may be about to bind in it). Within this process the count keeps a
// directory that another connection is about to use; across processes, a custom ctlDir two programs create at
// the same moment could be removed under the other (documented in the README's ctlDir section).
import { rmdirSync } from 'node:fs';
import { dirname } from 'node:path';

const created = new Map<string, { top: string; users: number }>();

/** Removes `abs` and its parents up to `top` (the first directory mkdir created), stopping at one not empty. */
export const removeCreated = (abs: string, top: string): void => {
  for (let d = abs; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
};

/** Records that this process created `abs` (and its parents up to `top`). */
export const noteCreatedCtlDir = (abs: string, top: string): void => {
  if (!created.has(abs)) created.set(abs, { top, users: 0 });
};

/**
 * A connection uses `abs` from now on; the function returned says it has ended (idempotent). The last to end
 * removes what this process created there.
 */
export const claimCtlDir = (abs: string): (() => void) => {
  const entry = created.get(abs);
  if (!entry) return () => {};
  entry.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--entry.users > 0 || created.get(abs) !== entry) return;
    created.delete(abs);
    removeCreated(abs, entry.top);
  };
};
