// What this process has running and open, for leak assertions.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Child processes of this process: pid, state (Z = zombie) and command line. */
export const childProcesses = (): Array<{ pid: number; state: string; cmd: string }> => {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) !== process.pid) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(d), state: rest[0]!, cmd });
    } catch {
      // exited meanwhile
    }
  }
  return out;
};

/** ssh processes (children or not) whose command line mentions `needle` (e.g. a ctl path). */
export const sshProcessesWith = (needle: string): number[] => {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('ssh\0') && cmd.includes(needle)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
};

/** Number of open file descriptors of this process. */
export const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Open fds that are sockets or pipes, for diagnostics. */
export const fdKinds = (): Record<string, number> => {
  const kinds: Record<string, number> = {};
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const k = readlinkSync(`/proc/self/fd/${fd}`)
        .replace(/:\[\d+\]$/, '')
        .replace(/^\/.*/, 'file');
      kinds[k] = (kinds[k] ?? 0) + 1;
    } catch {
      // closed meanwhile
    }
  }
  return kinds;
};

/** Whether a process exists. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
