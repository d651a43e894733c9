// The Promise layer: subscribes to a command's events, routes each stream to its sink, applies the
// inactivity timeout and the AbortSignal, and settles with the exit status. Output that arrived is
// never lost: errors carry what was captured so far.
import type { Observable } from 'rxjs';
import type { ExitStatus } from './channel';
import { aborted, type OpenSSHError } from './errors';
import type { CaptureSink, Sink } from './output-sink';
import type { ExecEvent } from '../observables/events';
import { inactivityTimeout } from '../observables/operators/inactivity-timeout';

/** Where each stream goes and how long silence may last. */
export interface RunPlan {
  stdout: Sink;
  /** 'stdout': merged into the stdout sink (stderrToStdout). */
  stderr: Sink | 'stdout';
  /** Seconds without traffic before OSSH_SLAVE_TIMEOUT. */
  timeout?: number | undefined;
  /** End the command on timeout. */
  kill: boolean;
  host: string;
  signal?: AbortSignal | undefined;
  /** Captured output to attach to errors. */
  captured?: { stdout?: CaptureSink | undefined; stderr?: CaptureSink | undefined } | undefined;
}

const withCaptured = (e: OpenSSHError, plan: RunPlan): OpenSSHError => {
  const out = plan.captured?.stdout?.buffer.toString();
  const err = plan.captured?.stderr?.buffer.toString();
  return out === undefined && err === undefined ? e : e.withOutput(out ?? '', err);
};

/** Runs `events$` to its end according to `plan`. */
export const runToEnd = (events$: Observable<ExecEvent>, plan: RunPlan): Promise<ExitStatus> =>
  new Promise<ExitStatus>((resolve, reject) => {
    const stderr = plan.stderr === 'stdout' ? plan.stdout : plan.stderr;
    const finish = async (outcome: () => void, error?: OpenSSHError) => {
      plan.signal?.removeEventListener('abort', onAbort);
      const ends = await Promise.allSettled([plan.stdout.end(), stderr === plan.stdout ? undefined : stderr.end()]);
      const sinkError = ends.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) reject(withCaptured(error, plan));
      else if (sinkError) reject(withCaptured(sinkError.reason as OpenSSHError, plan));
      else outcome();
    };
    const source = plan.timeout === undefined ? events$ : events$.pipe(inactivityTimeout(plan.timeout, { kill: plan.kill, host: plan.host }));
    const sub = source.subscribe({
      next: (e) => {
        if (e.type === 'stdout') plan.stdout.write(e.data);
        else if (e.type === 'stderr') stderr.write(e.data);
        else if (e.type === 'exit') void finish(() => resolve({ code: e.code, signal: e.signal }));
      },
      error: (e: OpenSSHError) => void finish(() => {}, e),
    });
    const onAbort = () => {
      sub.unsubscribe();
      void finish(() => {}, aborted(plan.host, plan.signal?.reason));
    };
    if (plan.signal?.aborted) onAbort();
    else plan.signal?.addEventListener('abort', onAbort, { once: true });
  });
