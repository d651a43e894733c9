// Medians and the ratio table the benchmarks print.

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** One measured figure per client for one workload; `unit` says how to print `value`. */
export interface Row {
  client: string;
  value: number;
  unit: 'ms/cmd' | 's' | 'MB/s';
}

/** Prints rows with their ratio to `floor` (>1 means better than the floor for MB/s, worse for times). */
export const printTable = (title: string, rows: readonly Row[], floor: string): void => {
  const base = rows.find((r) => r.client === floor);
  console.log(`\n${title}`);
  for (const r of rows) {
    const ratio = base ? r.value / base.value : NaN;
    const note = r.unit === 'MB/s' ? "x the floor's throughput" : "x the floor's time";
    const value = r.value.toFixed(r.unit === 'MB/s' ? 0 : 2).padStart(9);
    const vsFloor = Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}${note}`;
    console.log(`  ${r.client.padEnd(26)} ${value} ${r.unit.padEnd(7)} ${vsFloor}`);
  }
};

/** The nearest-rank percentile `p` (0-100) of `xs`; NaN for no samples. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
