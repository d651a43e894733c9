// Sends cases through a shell (local, or remote through ssh) in batches and reports every case whose
// arguments did not arrive byte for byte; a batch that went wrong is re-run case by case to name the culprit.
import { Buffer } from 'node:buffer';
import type { Quoter } from '../../../src/quoting/quoter';
import { groupLine, parseOutput, scripts, type Case, type Run } from './argv-printer';

/** Runs one script (a batch of lines joined by newlines) and returns its output. */
export type ScriptRunner = (script: Buffer) => Promise<Run>;

/** A case that failed, with what arrived. */
export interface Failure {
  readonly index: number;
  readonly sent: Case;
  readonly got: readonly Buffer[] | undefined;
  readonly stderr: string;
}

const same = (got: readonly Buffer[] | undefined, want: readonly Buffer[]): boolean =>
  got !== undefined && got.length === want.length && got.every((g, i) => g.equals(want[i] as Buffer));

/** Runs `cases` through `runScript`, `concurrency` batches at a time. */
export const roundTrip = async (
  quoter: Quoter,
  cases: readonly Case[],
  runScript: ScriptRunner,
  opts: { asGlob?: boolean; concurrency?: number } = {},
): Promise<Failure[]> => {
  const lineOf = (index: number) => groupLine(quoter, [cases[index] as Case], index, opts.asGlob);
  const todo = scripts(quoter, cases, opts.asGlob);
  const failures: Failure[] = [];
  let rerun = 10; // a few failing cases are re-run alone for a clean report; the rest keep the batch's output
  const runBatch = async (first: number, count: number, script: Buffer) => {
    const r = await runScript(script);
    const got = parseOutput(r.stdout, first, count);
    const bad = got.flatMap((g, k) => (same(g, cases[first + k]?.expected ?? []) ? [] : [first + k]));
    if (bad.length === 0) return;
    for (const index of bad) {
      if (rerun-- <= 0) {
        failures.push({ index, sent: cases[index] as Case, got: got[index - first], stderr: r.stderr });
        continue;
      }
      const alone = await runScript(Buffer.concat([lineOf(index), Buffer.from('\n')]));
      const [g] = parseOutput(alone.stdout, index, 1);
      if (!same(g, (cases[index] as Case).expected))
        failures.push({ index, sent: cases[index] as Case, got: g, stderr: alone.stderr || r.stderr });
    }
  };
  const workers = Array.from({ length: opts.concurrency ?? 2 }, async () => {
    for (let b = todo.shift(); b !== undefined; b = todo.shift()) await runBatch(b.first, b.count, b.script);
  });
  await Promise.all(workers);
  return failures.sort((a, b) => a.index - b.index);
};

const show = (b: Buffer | string): string =>
  JSON.stringify(typeof b === 'string' ? b : b.toString('latin1')).slice(0, 300);

/** A readable report of the first failures. */
export const describeFailures = (quoter: Quoter, failures: readonly Failure[], max = 3): string =>
  failures
    .slice(0, max)
    .map(
      (f) =>
        `case #${f.index}: sent ` +
        `${f.sent.args.map((a) => show(typeof a === 'string' ? a : Buffer.from(a as Uint8Array))).join(' ')}\n` +
        `  line ${show(groupLine(quoter, [f.sent], f.index).toString('utf8'))}\n` +
        `  got  ${f.got === undefined ? '(nothing)' : f.got.map(show).join(' ')}\n  stderr ${show(f.stderr)}`,
    )
    .join('\n');
