// What /proc says about processes, for bench:fleet: a field of a status file, a process tree's peak memory, and
// which processes mention a path (to check that a run left nothing behind).
import { readdirSync, readFileSync } from 'node:fs';
import { treeOf } from './proc-usage';

/** A `kB` field of `/proc/<pid>/<file>` (`status` VmRSS, `smaps_rollup` Pss) in KiB; NaN when gone. */
export const kib = (pid: number, file: string, field: string): number => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
};

/**
 * Watches the `node` processes in `pid`'s tree (the CLI under tsx: tsx's own process and the CLI's; not the ssh
 * masters) every 250 ms; `stop()` gives the largest peak RSS (VmHWM) seen, in KiB.
 */
export const peakNodeRss = (pid: number): { stop(): number } => {
  let peak = 0;
  const sample = () => {
    for (const p of treeOf(pid)) {
      let comm = '';
      try {
        comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      } catch {}
      if (comm === 'node') peak = Math.max(peak, kib(p, 'status', 'VmHWM') || 0);
    }
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
};

/** Processes other than this one whose command line mentions `text` (the bench's temp dir). */
export const processesMentioning = (text: string): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && d !== String(process.pid))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
