// A fleet run streams; most callers also want the tally at the end. This folds the per-host end
// events of exec$ or lines$ into one summary, emitted when the run completes.
import { Observable, type OperatorFunction } from 'rxjs';
import { policyNotes } from './run-policies';
import type { FleetExecEvent, FleetLineEvent, FleetSummary, HostResult } from './types';

/** The result carried by a per-host end event, if `e` is one. */
export const resultOf = (e: FleetExecEvent | FleetLineEvent): HostResult | undefined =>
  'result' in e ? e.result : undefined;

/** Builds a summary from results (in the order given) and the run's duration. */
export const summaryOf = (results: HostResult[], durationMs: number): FleetSummary => {
  const ok = results.filter((r) => r.ok).length;
  return {
    results,
    ok,
    failed: results.length - ok,
    durationMs: Math.round(durationMs),
    policies: policyNotes(results),
  };
};

/**
 * Folds a `fleet.exec$` or `fleet.lines$` stream into one {@link FleetSummary}, emitted when the
 * stream completes (every host has ended). The other values are not passed on: `tap` them first.
 *
 * ## Example
 *
 * ```ts
 * import { lastValueFrom, tap } from 'rxjs';
 * import { fleet, summarize } from 'net-openssh';
 *
 * const f = fleet(['web1', 'web2', 'db1']);
 * const summary = await lastValueFrom(
 *   f.lines$('uptime').pipe(
 *     tap((e) => e.type === 'line' && console.log(`${e.host}: ${e.line}`)),
 *     summarize(),
 *   ),
 * );
 * console.log(`${summary.ok} ok, ${summary.failed} failed`);
 * await f.close();
 * ```
 *
 * @returns An Observable of one summary (results in arrival order).
 */
export const summarize = (): OperatorFunction<FleetExecEvent | FleetLineEvent, FleetSummary> => (source) =>
  new Observable<FleetSummary>((sub) => {
    const start = performance.now();
    const results: HostResult[] = [];
    return source.subscribe({
      next: (e) => {
        const r = resultOf(e);
        if (r) results.push(r);
      },
      error: (e) => sub.error(e),
      complete: () => {
        sub.next(summaryOf(results, performance.now() - start));
        sub.complete();
      },
    });
  });
