// The table that closes a run: one row per host (host, exit status, time, error) and a tally.
import type { Paint } from '../colour';
import { fit, formatDuration } from './format';

/** One row of the table: a host's outcome as the table shows it. */
export interface SummaryRow {
  host: string;
  ok: boolean;
  /** Exit status column: `0`, `3`, `TERM`, `-`. */
  exit: string;
  /** Milliseconds, or undefined for `-` (never ran). */
  durationMs: number | undefined;
  /** Why it failed, beyond the exit status ('' when the exit status says it all). */
  error: string;
  /** Extra columns before ERROR (e.g. bytes moved), in `columns` order. */
  extra?: string[];
}

/** The table and its tally line, each line ending in `\n`; lines are cut to `width` when given (a terminal). */
export const summaryTable = (
  rows: readonly SummaryRow[],
  totalMs: number,
  p: Paint,
  opts: { width?: number | undefined; columns?: string[] } = {},
): string => {
  const extraHeads = opts.columns ?? [];
  const cells = rows.map((r) => [
    r.host,
    r.exit,
    r.durationMs === undefined ? '-' : formatDuration(r.durationMs),
    ...(r.extra ?? []),
    r.error,
  ]);
  const head = ['HOST', 'EXIT', 'TIME', ...extraHeads, 'ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const row = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const cut = (s: string) => (opts.width ? fit(s, opts.width) : s);
  const lines = [p.bold(cut(row(head)))];
  rows.forEach((r, i) => {
    const text = cut(row(cells[i]!));
    lines.push(r.ok ? text : p.red(text));
  });
  const ok = rows.filter((r) => r.ok).length;
  const failed = rows.length - ok;
  const tally =
    `${ok} ok, ${failed} failed, ${rows.length} host${rows.length === 1 ? '' : 's'}, ` + `${formatDuration(totalMs)}`;
  lines.push(failed ? p.red(tally) : p.green(tally));
  return `${lines.join('\n')}\n`;
};
