// The CPU time of a process tree, for the runner's per-file figures (test/run.ts): where the suite's CPU goes.
// A test file's CPU is mostly not the worker's own: ssh masters and slaves, the fixture sshd and its per-connection
// children, shells on the "server". Linux only (/proc); elsewhere the figure is left out.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ: /proc reports times in it (100 on every Linux Node supports)

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of the children it waited for, in ticks */
  ticks: number;
}

const readStat = (pid: string): Stat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the command name, in parentheses that may hold spaces: state ppid ... utime(14) stime cutime cstime
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // it exited meanwhile
  }
};

/**
 * CPU seconds used so far by process `root` and every descendant: the live ones, and the ones that ended and were
 * waited for (counted in their parent's children times). A process that was orphaned and reparented away is lost.
 * Undefined where /proc is missing.
 */
export const treeCpuSeconds = (root = process.pid): number | undefined => {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const stats = new Map<number, Stat>();
  for (const p of pids) {
    const s = readStat(p);
    if (s) stats.set(Number(p), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let ticks = 0;
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    ticks += stats.get(pid)?.ticks ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return stats.has(root) ? ticks / TICKS_PER_S : undefined;
};
