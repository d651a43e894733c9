// Whether a process still runs. A persistent master is nobody's child (init adopts it), and an init that
// reaps slowly leaves it a zombie for a while: a zombie counts as gone.
import { readFileSync } from 'node:fs';

/** True while `pid` exists (even as another user's process) and is not a zombie. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc here (or it just ended): kill(0) said it exists
  }
};

/** Resolves true once `pid` is gone, false if it is still there after `ms`. */
export const waitGone = async (pid: number, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};
