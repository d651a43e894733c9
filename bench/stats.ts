// Medians, percentiles and the tables the benchmarks print.
import type { TableResult } from './results';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const fixed = (x: number | undefined, digits: number, width: number) =>
  (x === undefined ? '' : x.toFixed(digits)).padStart(width);

/**
 * Prints a table: each client's figure, its ratio to the floor (>1 means better than the floor for MB/s, worse for
 * times), then its cost: CPU by process (seconds per GiB, or milliseconds per command) and peak RSS in MiB.
 */
export const printTable = (t: TableResult): void => {
  const note = t.unit === 'MB/s' ? "x floor's MB/s" : "x floor's time";
  const cpuUnit = t.cpuPer === 'GiB' ? 'CPU s/GiB' : 'CPU ms/cmd';
  console.log(`\n${t.title}${t.elapsedS === undefined ? '' : ` [${t.elapsedS} s]`}`);
  if (t.ciphers)
    console.log(
      `  negotiated: ${Object.entries(t.ciphers)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`,
    );
  console.log(
    `  ${'client'.padEnd(26)} ${t.unit.padStart(8)} ${note.padStart(14)} | ${cpuUnit}: node master child sshd` +
      ' | peak RSS MiB: node (+grew) master child',
  );
  const digits = t.cpuPer === 'GiB' ? 2 : 3;
  for (const r of t.rows) {
    if (r.failed !== undefined) {
      console.log(`  ${r.client.padEnd(26)} not measured: ${r.failed}`);
      continue;
    }
    const c = r.cpu!;
    const m = r.rssMiB!;
    const cpu = [c.node, c.master, c.children, c.sshd].map((x) => fixed(x, digits, 6)).join(' ');
    const grew = `(+${Math.max(0, m.rssNodeGrowth).toFixed(0)})`.padStart(6);
    const rss = [fixed(m.rssNode, 0, 5), grew, fixed(m.rssMaster, 0, 6), fixed(m.rssChildren, 0, 5)].join(' ');
    const value = fixed(r.value, t.unit === 'MB/s' ? 0 : 2, 8);
    console.log(`  ${r.client.padEnd(26)} ${value} ${fixed(r.ratio, 2, 14)} | ${cpu.padStart(30)} | ${rss}`);
  }
};

/** The nearest-rank percentile `p` (0-100) of `xs`; NaN for no samples. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
