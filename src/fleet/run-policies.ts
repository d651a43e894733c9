// Net::OpenSSH::Parallel's policies for one run of a fleet: a per-host time budget, and the error policy
// (`continue`: a failed host is an event of the run; `abort`: the first failure ends every other host). Each
// host still ends exactly once: a host cut short gets an end event saying which policy ended it.
import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { budgetExceeded, runAbortedAfter } from '../core/errors';
import type { FleetExecEvent, HostResult } from './types';
import { failedResult } from './host-run';

/** What a fleet run does when a host fails: go on with the others, or end them all. */
export type FleetErrorPolicy = 'continue' | 'abort';

/** The end event of a host ended by the abort policy (its command ended, or never run). */
export const abortedEvent = (host: string, sshHost: string, failedHost: string): FleetExecEvent => {
  const error = runAbortedAfter(sshHost, failedHost);
  return { host, event: { type: 'error', error }, result: { ...failedResult(host, error), abortedAfter: failedHost } };
};

/** Marks a host's end event with its connection attempts, when the retry policy made more than one. */
export const withAttempts =
  (attempts: () => number): OperatorFunction<FleetExecEvent, FleetExecEvent> =>
  (source) =>
    new Observable<FleetExecEvent>((sub) =>
      source.subscribe({
        next: (e) => {
          const n = attempts();
          sub.next(e.result && n > 1 ? { ...e, result: { ...e.result, attempts: n } } : e);
        },
        error: (err: unknown) => sub.error(err),
        complete: () => sub.complete(),
      }),
    );

/**
 * Bounds one host's command to `seconds` from its start: past it, the command is ended (unsubscribed: a remote TERM
 * with the mux engine) and the host ends with OSSH_SLAVE_TIMEOUT and `overBudget`.
 */
export const withBudget =
  (host: string, sshHost: string, seconds: number): OperatorFunction<FleetExecEvent, FleetExecEvent> =>
  (source) =>
    new Observable<FleetExecEvent>((sub) => {
      const start = performance.now();
      let bytesOut = 0;
      let bytesErr = 0;
      let inner: Subscription | undefined;
      const timer = setTimeout(() => {
        inner?.unsubscribe();
        const error = budgetExceeded(sshHost, seconds);
        const result: HostResult = {
          host,
          ok: false,
          exitCode: null,
          signal: null,
          error,
          durationMs: Math.round(performance.now() - start),
          bytesOut,
          bytesErr,
          overBudget: true,
        };
        sub.next({ host, event: { type: 'error', error }, result });
        sub.complete();
      }, seconds * 1000);
      inner = source.subscribe({
        next: (e) => {
          if (e.event.type === 'stdout') bytesOut += e.event.data.length;
          else if (e.event.type === 'stderr') bytesErr += e.event.data.length;
          sub.next(e);
        },
        error: (err: unknown) => sub.error(err),
        complete: () => sub.complete(),
      });
      return () => {
        clearTimeout(timer);
        inner?.unsubscribe();
      };
    });

/**
 * The abort policy over a whole run: the first host that ends not ok ends the run. Every host that has not ended yet
 * gets `abortedEnd(host, failedHost)` (its command is ended by unsubscribing), then the stream completes.
 */
export const abortOnFailure =
  <V>(
    hosts: readonly string[],
    resultOf: (v: V) => HostResult | undefined,
    abortedEnd: (host: string, failedHost: string) => V[],
  ): OperatorFunction<V, V> =>
  (source) =>
    new Observable<V>((sub) => {
      const ended = new Set<string>();
      let stopped = false;
      let inner: Subscription | undefined;
      inner = source.subscribe({
        next: (v) => {
          if (stopped) return;
          sub.next(v);
          const r = resultOf(v);
          if (r === undefined) return;
          ended.add(r.host);
          if (r.ok) return;
          stopped = true;
          inner?.unsubscribe();
          for (const h of hosts) if (!ended.has(h)) for (const e of abortedEnd(h, r.host)) sub.next(e);
          sub.complete();
        },
        error: (err: unknown) => sub.error(err),
        complete: () => sub.complete(),
      });
      if (stopped) inner.unsubscribe();
      return () => inner?.unsubscribe();
    });

/**
 * Which policies acted in a run, as the summary says it: `retried 2 hosts (1 connected)`, `aborted after web3
 * failed (12 hosts ended or not run)`, `1 host over the time budget`.
 */
export const policyNotes = (results: readonly HostResult[]): string[] => {
  const hosts = (n: number) => `${n} host${n === 1 ? '' : 's'}`;
  const notes: string[] = [];
  const retried = results.filter((r) => (r.attempts ?? 1) > 1);
  if (retried.length > 0) {
    const connected = retried.filter((r) => r.error?.code !== 'OSSH_MASTER_FAILED').length;
    notes.push(`retried ${hosts(retried.length)} (${connected} connected)`);
  }
  const aborted = results.filter((r) => r.abortedAfter !== undefined);
  if (aborted.length > 0)
    notes.push(`aborted after ${aborted[0]!.abortedAfter} failed (${hosts(aborted.length)} ended or not run)`);
  const over = results.filter((r) => r.overBudget).length;
  if (over > 0) notes.push(`${hosts(over)} over the time budget`);
  return notes;
};
