// The Promise layer: subscribes to a command's events (timeout and cancellation already applied by
// commandEvents$), routes each stream to its sink, and settles with the exit status. Output that arrived
// is never lost: errors carry what was captured so far.
import type { Observable } from 'rxjs';
import type { ExitStatus } from '../core/channel';
import type { OpenSSHError } from '../core/errors';
import type { CaptureSink, Sink } from '../core/output-sink';
import type { ExecEvent } from '../observables/events';

/** Where each stream goes. */
export interface RunPlan {
  stdout: Sink;
  /** 'stdout': merged into the stdout sink (stderrToStdout). */
  stderr: Sink | 'stdout';
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
      const ends = await Promise.allSettled([plan.stdout.end(), stderr === plan.stdout ? undefined : stderr.end()]);
      const sinkError = ends.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) reject(withCaptured(error, plan));
      else if (sinkError) reject(withCaptured(sinkError.reason as OpenSSHError, plan));
      else outcome();
    };
    events$.subscribe({
      next: (e) => {
        if (e.type === 'stdout') plan.stdout.write(e.data);
        else if (e.type === 'stderr') stderr.write(e.data);
        // the engine's note (what the server did instead of reporting a status) goes with it into the error
        else if (e.type === 'exit')
          void finish(() =>
            resolve(
              e.note === undefined
                ? { code: e.code, signal: e.signal }
                : { code: e.code, signal: e.signal, note: e.note },
            ),
          );
      },
      error: (e: OpenSSHError) => void finish(() => {}, e),
    });
  });
