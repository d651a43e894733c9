// The tables the bench can measure, as specs for measureTable: per-command latency, commands in flight, bulk
// transfers and captures.
import type { BenchClient } from './clients/client';
import type { TableSpec } from './measure';
import { FLOOR } from './scenes';

type Common = { id: string; clients: readonly BenchClient[]; rounds: number; sshds: readonly number[] };

/** `n` sequential `true`, per command. */
export const sequentialSpec = (c: Common, n: number, where: string): TableSpec => ({
  ...c,
  title: `${n} sequential \`true\`, ${where} (per command)`,
  workload: 'sequential',
  run: (x) => x.sequential(n),
  unit: 'ms/cmd',
  value: (ms) => ms / n,
  work: { commands: n },
  floor: FLOOR,
});

/** `n` `echo` with `k` in flight, total time. */
export const parallelSpec = (c: Common, n: number, k: number, where: string): TableSpec => ({
  ...c,
  title: `${n} \`echo\`, ${k} in flight, ${where} (total)`,
  workload: 'parallel',
  run: (x) => x.parallel(n, k),
  unit: 's',
  value: (ms) => ms / 1000,
  work: { commands: n },
  floor: FLOOR,
});

const mbps = (bytes: number) => (ms: number) => bytes / 1e6 / (ms / 1000);

/** `bytes` down (remote stdout) or up (remote stdin), throughput. */
export const bulkSpec = (c: Common, dir: 'download' | 'upload', bytes: number, where: string): TableSpec => ({
  ...c,
  title: `${bytes >> 20} MiB ${dir === 'download' ? 'down (remote stdout)' : 'up (remote stdin)'}, ${where}`,
  workload: dir,
  run: (x) => x[dir](bytes),
  unit: 'MB/s',
  value: mbps(bytes),
  work: { bytes },
  floor: FLOOR,
});

/** `bytes` of text collected whole (capture and its kin; the floor pipes it into `wc -c`), throughput. */
export const captureSpec = (c: Common, bytes: number, where: string): TableSpec => ({
  ...c,
  title: `${bytes >> 20} MiB of text collected (capture; the floor: \`ssh -S ... | wc -c\`), ${where}`,
  workload: 'capture',
  run: (x) => x.capture(bytes),
  unit: 'MB/s',
  value: mbps(bytes),
  work: { bytes },
  floor: FLOOR,
});
