// `--json`: every event of a run as one JSON object per line on stdout, and nothing else there, so a
// program can read the run line by line (`jq`, a log shipper) while it happens.
import type { FleetHostState, HostResult } from '../../fleet/types';
import type { OpenSSHError } from '../../core/errors';
import { policyNotes } from '../../fleet/run-policies';
import type { OutStream } from '../io';
import type { RunLine, RunOutcome, RunView } from './run-view';

/** An error as JSON: its code and message. */
export const errorJson = (e: OpenSSHError | undefined): { code: string; message: string } | undefined =>
  e ? { code: e.code, message: e.message } : undefined;

/** A host's result as JSON (the error as code and message). */
export const resultJson = (r: HostResult & { interrupted?: true }): Record<string, unknown> => ({
  host: r.host,
  ok: r.ok,
  exitCode: r.exitCode,
  signal: r.signal,
  durationMs: r.durationMs,
  bytesOut: r.bytesOut,
  bytesErr: r.bytesErr,
  ...(r.attempts !== undefined && { attempts: r.attempts }),
  ...(r.abortedAfter !== undefined && { abortedAfter: r.abortedAfter }),
  ...(r.overBudget && { overBudget: true }),
  ...(r.interrupted && { interrupted: true }),
  ...(r.error && { error: errorJson(r.error) }),
});

/** Writes one JSON object and a newline. */
export const jsonLine =
  (out: OutStream) =>
  (event: Record<string, unknown>): void =>
    void out.write(`${JSON.stringify(event)}\n`);

/**
 * Events, one per line: `{"type":"state","host","state"[,"error"]}`, `{"type":"line","host","stream","line"}`,
 * `{"type":"end","host","ok","exitCode","signal","durationMs","bytesOut","bytesErr"[,"error"]}`, and last
 * `{"type":"summary","ok","failed","hosts","durationMs","interrupted","policies"}` (`policies`: which of the run's
 * policies acted, as sentences; an end event has `attempts`, `abortedAfter` or `overBudget` when one acted on it).
 */
export const jsonRunView = (out: OutStream): RunView => {
  const emit = jsonLine(out);
  return {
    state: (s: FleetHostState) =>
      emit({
        type: 'state',
        host: s.host,
        state: s.state.name,
        ...(s.state.name === 'failed' && { error: errorJson(s.state.error) }),
      }),
    line: (e: RunLine) => emit({ type: 'line', host: e.host, stream: e.stream, line: e.line }),
    end: (r: HostResult) => emit({ type: 'end', ...resultJson(r) }),
    finish: (o: RunOutcome) => {
      for (const r of o.results) if (r.interrupted) emit({ type: 'end', ...resultJson(r) });
      const ok = o.results.filter((r) => r.ok).length;
      emit({
        type: 'summary',
        ok,
        failed: o.results.length - ok,
        hosts: o.results.length,
        durationMs: Math.round(o.durationMs),
        interrupted: o.results.some((r) => r.interrupted),
        policies: policyNotes(o.results),
      });
    },
  };
};
