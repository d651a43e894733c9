// Issue 18's target lines, judged from this run's own tables: met, NOT met, or not measured (and why).
import { availableParallelism } from 'node:os';
import type { RowResult, TableResult, TargetResult } from './results';

const SSH2 = 'ssh2 (pure JS)';
const PERL = 'Perl Net::OpenSSH';
const MUX = 'net-openssh mux';

type Found = { value?: number; ratio?: number; cpu?: RowResult['cpu']; cpuPer?: TableResult['cpuPer']; why?: string };
type Find = (table: string, client: string) => Found;

const finder =
  (tables: readonly TableResult[]): Find =>
  (id, client) => {
    const t = tables.find((x) => x.id === id);
    if (!t) return { why: `table ${id} not run` };
    const r = t.rows.find((x) => x.client === client);
    if (!r) return { why: `${client} not in ${id}` };
    if (r.failed !== undefined) return { why: `${client} failed in ${id}: ${r.failed}` };
    return { value: r.value!, ratio: r.ratio, cpu: r.cpu, cpuPer: t.cpuPer };
  };

const f2 = (x: number) => x.toFixed(2);

// A client's CPU in all, and by process (those that used any), as `cpu` columns give it.
const cpuText = (name: string, cpu: NonNullable<RowResult['cpu']>) => {
  const parts = (['node', 'master', 'children', 'sshd'] as const).filter((k) => cpu[k] > 0);
  const all = parts.reduce((n, k) => n + cpu[k], 0);
  return `${name} ${f2(all)} (${parts.map((k) => `${k} ${f2(cpu[k])}`).join(', ')})`;
};

/**
 * Why a comparison was not met, as far as CPU tells: with every core busy, the client that spends less CPU in all
 * (its own process, the master, sshd) goes faster, whatever it does with it.
 */
const cpuWhy = (a: string, x: Found, b: string, y: Found): string => {
  if (!x.cpu || !y.cpu) return '';
  const per = x.cpuPer === 'GiB' ? 's/GiB' : 'ms/cmd';
  return `; CPU ${per} on ${availableParallelism()} cores: ${cpuText(a, x.cpu)}, ${cpuText(b, y.cpu)}`;
};

/**
 * Compares `a` with `b` in table `id`: met when `a <= b * factor` (times) or `a >= b * factor` (throughput).
 */
const compare = (find: Find, target: string, id: string, a: string, b: string, factor: number, lower: boolean) => {
  const x = find(id, a);
  const y = find(id, b);
  if (x.value === undefined || y.value === undefined) return { target, detail: x.why ?? y.why ?? '' };
  const met = lower ? x.value <= y.value * factor : x.value >= y.value * factor;
  const why = met ? '' : cpuWhy(a, x, b, y);
  return { target, met, detail: `${a} ${f2(x.value)}, ${b} ${f2(y.value)}: ${f2(x.value / y.value)}x${why}` };
};

const vsFloor = (find: Find, target: string, id: string, a: string, min: number): TargetResult => {
  const x = find(id, a);
  if (x.ratio === undefined) return { target, detail: x.why ?? 'no floor figure' };
  return { target, met: x.ratio >= min, detail: `${f2(x.ratio)}x the floor` };
};

/** Every target line, from `tables`; `json` is where the results were written, if they were. */
export const judgeTargets = (tables: readonly TableResult[], json: string | undefined): TargetResult[] => {
  const find = finder(tables);
  const out: TargetResult[] = [];
  for (const m of ['mux', 'capture2', 'capture$', 'lines$'])
    out.push(
      vsFloor(
        find,
        `${m === 'mux' ? 'capture()' : m} collects >= 0.95x the floor`,
        'capture-sh',
        `net-openssh ${m}`,
        0.95,
      ),
    );
  for (const other of [SSH2, PERL])
    out.push(
      compare(find, `stream download ('data') on mux >= ${other}, same cipher`, 'download-aes', MUX, other, 1, false),
    );
  for (const other of ['net-openssh spawn', SSH2])
    out.push(compare(find, `upload through mux >= ${other}, same cipher`, 'upload-aes', MUX, other, 1, false));
  for (const k of [5, 10, 50])
    out.push(
      compare(
        find,
        `${k} in flight, bash, defaults: mux total time <= ssh2's`,
        `inflight-bash-${k}`,
        MUX,
        SSH2,
        1,
        true,
      ),
    );
  out.push(
    compare(find, 'per-command latency, bash, defaults: mux within 5% of ssh2', 'latency-bash', MUX, SSH2, 1.05, true),
  );
  const pre = 'net-openssh mux prestart';
  out.push(
    compare(find, 'per-command latency with muxPrestart: >= 15% faster than ssh2', 'latency-sh', pre, SSH2, 0.85, true),
  );
  const bulk = tables.filter((t) => t.cpuPer === 'GiB');
  out.push(
    bulk.length
      ? {
          target: 'CPU s/GiB (node, master, child processes, sshd) and peak RSS printed for each client',
          met: bulk.every((t) => t.rows.every((r) => r.failed !== undefined || r.cpu !== undefined)),
          detail: `${bulk.length} bulk tables`,
        }
      : { target: 'CPU s/GiB and RSS printed for each client', detail: 'no bulk table run' },
  );
  out.push(
    json
      ? { target: '--json written (chart: npm run bench:chart)', met: true, detail: json }
      : { target: '--json written', detail: 'run with --json [file]' },
  );
  // from the earlier performance issue, kept to see they still hold
  out.push(
    compare(find, '(earlier) mux at least 2.5x faster than Perl per command', 'latency-sh', MUX, PERL, 1 / 2.5, true),
  );
  out.push(vsFloor(find, "(earlier) mux download ('data') >= 0.95x the floor", 'download-sh', MUX, 0.95));
  out.push(
    vsFloor(find, '(earlier) mux download (onStdout) >= 0.95x the floor', 'download-sh', `${MUX} onStdout`, 0.95),
  );
  return out;
};

/** Prints the targets, one line each. */
export const printTargets = (targets: readonly TargetResult[]): void => {
  console.log('\ntargets (issue 18)');
  for (const t of targets) {
    const status = t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT met';
    console.log(`  ${status}: ${t.target} (${t.detail})`);
  }
};
