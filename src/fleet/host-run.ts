// One host's part of a fleet run: its command's events tagged with the host, counted, and ended by
// exactly one exit-or-error event carrying the host's result. Failures become that event, so one
// host's trouble never ends the merged stream.
import { Observable } from 'rxjs';
import { isOpenSSHError, slaveCmdFailed, slaveFailed, stderrTail, type OpenSSHError } from '../core/errors';
import type { ExecEvent } from '../observables/events';
import type { FleetExecEvent, HostResult } from './types';

const TAIL_BYTES = 4096;

/** The result of a host whose command never ran (its master did not connect). */
export const failedResult = (host: string, error: OpenSSHError): HostResult => ({
  host,
  ok: false,
  exitCode: null,
  signal: null,
  error,
  durationMs: 0,
  bytesOut: 0,
  bytesErr: 0,
});

/** The end event of a host whose command never ran. */
export const failedEvent = (host: string, error: OpenSSHError): FleetExecEvent => ({
  host,
  event: { type: 'error', error },
  result: failedResult(host, error),
});

/** Runs `events$` (one host's command) and tags, counts and closes its events. Never errors. */
export const hostRun$ = (host: string, sshHost: string, events$: Observable<ExecEvent>): Observable<FleetExecEvent> =>
  new Observable<FleetExecEvent>((sub) => {
    const start = performance.now();
    let bytesOut = 0;
    let bytesErr = 0;
    let tail = '';
    const base = () => ({ host, durationMs: Math.round(performance.now() - start), bytesOut, bytesErr });
    const inner = events$.subscribe({
      next: (event) => {
        if (event.type === 'stdout') bytesOut += event.data.length;
        else if (event.type === 'stderr') {
          bytesErr += event.data.length;
          tail = (tail + event.data.toString('utf8')).slice(-TAIL_BYTES);
        }
        if (event.type !== 'exit') return sub.next({ host, event });
        const ok = event.code === 0;
        const result: HostResult = { ...base(), ok, exitCode: event.code, signal: event.signal };
        if (!ok) result.error = slaveCmdFailed(sshHost, event.code, event.signal, stderrTail(tail));
        sub.next({ host, event, result });
      },
      error: (e: unknown) => {
        const error = isOpenSSHError(e) ? e : slaveFailed(sshHost, (e as Error)?.message ?? String(e), e);
        sub.next({
          host,
          event: { type: 'error', error },
          result: { ...base(), ok: false, exitCode: error.exitCode ?? null, signal: error.signal ?? null, error },
        });
        sub.complete();
      },
      complete: () => sub.complete(),
    });
    return () => inner.unsubscribe();
  });
