// One table: a workload run for every client that has it, rounds interleaved so that drift hits everyone alike,
// each run timed and costed; medians, ratios to the floor, and a client that fails is a row saying why. The
// in-process clients share this Node process, and a run pays for the garbage the run before it left (measured:
// swapping capture and capture2 swapped their costs). Rounds that only rotate the order keep each client behind the
// same one (capture2 always came after ssh2's capture, which leaves the most garbage), so each round runs the
// clients in an order of its own, shuffled from a fixed seed (the same orders in every run). Collecting the heap
// before each run instead was tried: every in-process client then used 20-70% more CPU (a shrunken heap).
import type { BenchClient, Workload } from './clients/client';
import { type Cost, withCost } from './cost';
import type { RowResult, TableResult, Unit } from './results';
import { median } from './stats';
import { seededRandom } from '../test/helpers/seeded-random';

/** What to measure: the workload, its size and how the elapsed ms become the table's value. */
export interface TableSpec {
  id: string;
  title: string;
  workload: Workload;
  clients: readonly BenchClient[];
  rounds: number;
  /** Runs one client once; returns its elapsed ms. */
  run: (c: Required<BenchClient>) => Promise<number>;
  unit: Unit;
  /** The elapsed ms of one run to the table's value. */
  value: (ms: number) => number;
  /** What one run moves or runs, for the CPU per GiB or per command. */
  work: { bytes: number } | { commands: number };
  floor: string;
  /** The server's sshd pids (their CPU is the sshd column). */
  sshds: readonly number[];
}

const MIB = 1 << 20;

/** `items` in an order drawn from `random` (Fisher-Yates). */
const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim().split('\n')[0]!.slice(0, 160);

// the median of each cost field over the runs, per GiB / per command for CPU
const summarize = (costs: readonly Cost[], work: TableSpec['work']): Pick<RowResult, 'cpu' | 'rssMiB'> => {
  const m = (k: keyof Cost) => median(costs.map((c) => c[k]));
  const per = 'bytes' in work ? (1 << 30) / work.bytes : 1000 / work.commands; // s per GiB, or ms per command
  return {
    cpu: { node: m('node') * per, master: m('master') * per, children: m('children') * per, sshd: m('sshd') * per },
    rssMiB: {
      rssNode: m('rssNode') / MIB,
      rssNodeGrowth: m('rssNodeGrowth') / MIB,
      rssMaster: m('rssMaster') / MIB,
      rssChildren: m('rssChildren') / MIB,
    },
  };
};

/** Measures `spec` for each client that has its workload. */
export const measureTable = async (spec: TableSpec): Promise<TableResult> => {
  const taking = spec.clients.filter((c) => c[spec.workload]) as Required<BenchClient>[];
  const runs = new Map(taking.map((c) => [c.name, { ms: [] as number[], costs: [] as Cost[], failed: '' }]));
  const random = seededRandom(spec.id);
  for (let r = 0; r < spec.rounds; r++)
    for (const c of shuffled(taking, random)) {
      const s = runs.get(c.name)!;
      if (s.failed) continue;
      try {
        const { ms, cost } = await withCost(() => spec.run(c), (c as BenchClient).masters?.() ?? [], spec.sshds);
        s.ms.push(ms);
        s.costs.push(cost);
      } catch (e) {
        s.failed = firstLine(e);
      }
    }
  const rows: RowResult[] = taking.map((c) => {
    const s = runs.get(c.name)!;
    if (s.failed) return { client: c.name, failed: s.failed };
    return { client: c.name, value: spec.value(median(s.ms)), ...summarize(s.costs, spec.work) };
  });
  const base = rows.find((r) => r.client === spec.floor)?.value;
  for (const r of rows) if (base !== undefined && r.value !== undefined) r.ratio = r.value / base;
  const cpuPer = 'bytes' in spec.work ? 'GiB' : 'cmd';
  return { id: spec.id, title: spec.title, unit: spec.unit, cpuPer, floor: spec.floor, rows };
};
