// The shape of a bench run's results: what `--json` writes and `bench/chart.ts` reads.
import type { Cost } from './cost';

/** How a table's value reads: time per command, total time, or throughput. */
export type Unit = 'ms/cmd' | 's' | 'MB/s';

/** One client's row: medians over the rounds, or why it has none. */
export interface RowResult {
  client: string;
  /** The median figure in the table's unit; absent when the client failed. */
  value?: number;
  /** `value` over the floor's (the same unit: >1 is better for MB/s, worse for times). */
  ratio?: number;
  /** Median CPU seconds per GiB (bulk tables) or CPU milliseconds per command (command tables), by process. */
  cpu?: Pick<Cost, 'node' | 'master' | 'children' | 'sshd'>;
  /** Median peak resident MiB, by process. */
  rssMiB?: Pick<Cost, 'rssNode' | 'rssNodeGrowth' | 'rssMaster' | 'rssChildren'>;
  /** Why the client has no figure (its error), when it failed. */
  failed?: string;
}

/** One workload measured for every client that has it. */
export interface TableResult {
  /** A stable key (`latency-sh`, `inflight-bash-50`, `download-aes`...). */
  id: string;
  title: string;
  unit: Unit;
  /** What `cpu` is per: a GiB moved, or a command. */
  cpuPer: 'GiB' | 'cmd';
  /** The name of the floor's row (ratios are to it). */
  floor: string;
  rows: RowResult[];
  /** Wall-clock seconds the table took, every round and client (to tune the knobs' run time). */
  elapsedS?: number;
  /** The ciphers the sides negotiated, when the table is about them. */
  ciphers?: Record<string, string>;
}

/** One target line of the issue, judged from this run's figures. */
export interface TargetResult {
  target: string;
  /** true met, false NOT met, undefined not measured (then `detail` says why). */
  met?: boolean;
  detail: string;
}

/** Everything a run found. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; model: string; memMiB: number; kernel: string; loadavg: number[] };
  versions: Record<string, string>;
  settings: Record<string, number>;
  /** Which parts ran (`latency`, `parallel`, `bulk`, `capture`, `bash`, `cipher`). */
  parts: string[];
  tables: TableResult[];
  targets: TargetResult[];
}
