// What `put` and `get` show: per-host progress bars redrawn in place on a terminal, plain progress
// lines otherwise (at most one per host per second), or JSON events; then the summary table.
import { colourFor, paint } from '../colour';
import type { CliIO } from '../io';
import { describeError, type TransferResult } from './transfer-result';
import { fit, formatBytes, formatDuration, oneLine } from './format';
import { errorJson, jsonLine } from './json-view';
import { LiveRegion } from './live-region';
import { summaryTable } from './summary-table';

/** Receives a transfer run's events. */
export interface TransferView {
  progress(host: string, p: { bytes: number; total?: number | undefined; rate?: number | undefined }): void;
  end(r: TransferResult): void;
  finish(results: TransferResult[], durationMs: number): void;
}

const PLAIN_EVERY_MS = 1000;
const BAR = 24;

const amount = (p: { bytes: number; total?: number | undefined; rate?: number | undefined }) => {
  const total = p.total ? ` / ${formatBytes(p.total)}` : '';
  const rate = p.rate ? `  ${formatBytes(Math.round(p.rate))}/s` : '';
  return `${formatBytes(p.bytes)}${total}${rate}`;
};

const percent = (p: { bytes: number; total?: number | undefined }) =>
  p.total ? Math.min(100, Math.floor((p.bytes * 100) / p.total)) : undefined;

/** `--json`: `{"type":"progress","host","bytes","total","rate"}`, `{"type":"end",...}`, `{"type":"summary",...}`. */
export const jsonTransferView = (io: CliIO): TransferView => {
  const emit = jsonLine(io.stdout);
  const resultJson = (r: TransferResult) => ({
    host: r.host,
    ok: r.ok,
    bytes: r.bytes,
    durationMs: Math.round(r.durationMs),
    ...(r.path && { path: r.path }),
    ...(r.interrupted && { interrupted: true }),
    ...(r.error && { error: errorJson(r.error) }),
  });
  return {
    progress: (host, p) =>
      emit({
        type: 'progress',
        host,
        bytes: p.bytes,
        total: p.total ?? null,
        rate: p.rate === undefined ? null : Math.round(p.rate),
      }),
    end: (r) => emit({ type: 'end', ...resultJson(r) }),
    finish: (results, durationMs) => {
      for (const r of results) if (r.interrupted) emit({ type: 'end', ...resultJson(r) });
      const ok = results.filter((r) => r.ok).length;
      emit({
        type: 'summary',
        ok,
        failed: results.length - ok,
        hosts: results.length,
        durationMs: Math.round(durationMs),
        interrupted: results.some((r) => r.interrupted),
      });
    },
  };
};

/** Bars on a terminal (stderr), plain lines otherwise; `what` names the transfer (`put app.tar.gz -> /srv`). */
export const humanTransferView = (io: CliIO, hosts: readonly string[]): TransferView => {
  const region = new LiveRegion(io.stderr, io.stderr.isTTY === true);
  const p = paint(colourFor(io.stderr, io.env), hosts);
  const hostWidth = Math.min(30, Math.max(...hosts.map((h) => h.length)));
  const name = (h: string) => p.host(h, h.padEnd(hostWidth));
  const active = new Map<string, { bytes: number; total?: number | undefined; rate?: number | undefined }>();
  const lastPlain = new Map<string, number>();
  const bar = (q: { bytes: number; total?: number | undefined }) => {
    const pc = percent(q);
    if (pc === undefined) return `[${'?'.repeat(BAR)}]`.replace(/\?/g, '.');
    const full = Math.round((pc * BAR) / 100);
    return `[${'#'.repeat(full)}${'-'.repeat(BAR - full)}] ${String(pc).padStart(3)}%`;
  };
  const redraw = () => {
    const rows = Math.max(1, ((io.stderr as { rows?: number }).rows ?? 24) - 2);
    const lines = [...active]
      .sort(([a], [b]) => hosts.indexOf(a) - hosts.indexOf(b))
      .slice(0, rows)
      .map(([h, q]) => `${name(h)} ${fit(`${bar(q)}  ${amount(q)}`, region.width - hostWidth - 1)}`);
    if (active.size > rows) lines.push(p.dim(`... and ${active.size - rows} more`));
    region.update(lines);
  };
  return {
    progress(host, q) {
      active.set(host, q);
      if (region.enabled) return redraw();
      const now = performance.now();
      if (now - (lastPlain.get(host) ?? -Infinity) < PLAIN_EVERY_MS) return;
      lastPlain.set(host, now);
      const pc = percent(q);
      io.stderr.write(
        `${name(host)} ${q.bytes === 0 ? 'started' : `${pc === undefined ? '' : `${pc}%  `}${amount(q)}`}\n`,
      );
    },
    end(r) {
      active.delete(r.host);
      redraw(); // the region drawn again under the line below must no longer show this host
      const text = r.ok
        ? `${p.green('done')} ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)}` +
          (r.path ? ` -> ${r.path}` : '')
        : p.red(`failed: ${describeError(r)}`);
      region.print(io.stderr, `${name(r.host)} ${text}\n`);
    },
    finish(results, durationMs) {
      region.close();
      const rows = results.map((r) => ({
        host: r.host,
        ok: r.ok,
        exit: r.ok ? '0' : r.error?.exitCode != null ? String(r.error.exitCode) : '-',
        durationMs: r.started ? r.durationMs : undefined,
        extra: [formatBytes(r.bytes)],
        error: r.ok ? '' : oneLine(describeError(r)),
      }));
      const width = region.enabled ? region.width : undefined;
      io.stderr.write(`\n${summaryTable(rows, durationMs, p, { width, columns: ['BYTES'] })}`);
    },
  };
};
