// What /proc says about a process (Linux), for the main bench's cost columns: its CPU time, its resident memory,
// its children. Where /proc is missing every reader answers 0 or nothing. (bench/proc.ts, bench:fleet's, uses treeOf.)
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux architecture in use). */
const TICK_S = 0.01;

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

// The fields after the command name, which is in parentheses and may hold spaces: index 0 is field 3 (state).
const statFields = (pid: number | 'self'): string[] | undefined => {
  const s = read(`/proc/${pid}/stat`);
  return s === undefined ? undefined : s.slice(s.lastIndexOf(')') + 2).split(' ');
};

/** CPU seconds of `pid`, user + system, its own (`own`) and of its children it has waited for (`reaped`). */
export const cpuOf = (pid: number | 'self'): { own: number; reaped: number } => {
  const f = statFields(pid);
  if (!f) return { own: 0, reaped: 0 };
  // fields 14-17: utime stime cutime cstime
  const n = (field: number) => Number(f[field - 3] ?? 0) * TICK_S;
  return { own: n(14) + n(15), reaped: n(16) + n(17) };
};

/** Resident memory of `pid` in bytes (VmRSS); 0 when it is gone. */
export const rssOf = (pid: number): number => {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : 0;
};

/** The children of `pid` (every thread's), from /proc/<pid>/task/<tid>/children. */
export const childrenOf = (pid: number): number[] => {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const kids = tasks.flatMap((t) => (read(`/proc/${pid}/task/${t}/children`) ?? '').split(' ').filter(Boolean));
  return kids.map(Number);
};

/** `pid` and all its descendants alive now. */
export const treeOf = (pid: number): number[] => {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...childrenOf(p));
  }
  return out;
};
