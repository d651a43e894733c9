// The Promise layer: subscribes to a command's events (timeout and cancellation already applied by
// commandEvents$), routes each stream to its sink, and settles with the exit status. Output that arrived
// is never lost: errors carry what was captured so far.
import type { Observable } from 'rxjs';
import type { ExitStatus } from '../core/channel';
import type { OpenSSHError } from '../core/errors';
import { whenDrained, type CaptureSink, type Sink } from '../core/output-sink';
import type { ExecEvent } from '../observables/events';
import type { OutputValve } from './output-valve';

/** Where each stream goes. */
export interface RunPlan {
  stdout: Sink;
  /** 'stdout': merged into the stdout sink (stderrToStdout). */
  stderr: Sink | 'stdout';
  /** Captured output to attach to errors. */
  captured?: { stdout?: CaptureSink | undefined; stderr?: CaptureSink | undefined } | undefined;
  /** Holds the command's output while a sink is full (the valve `events$` was made with). */
  valve?: OutputValve | undefined;
}

const withCaptured = (e: OpenSSHError, plan: RunPlan): OpenSSHError => {
  // in the call's encoding; past the limit of a string, the output that came before it
  const out = plan.captured?.stdout?.text;
  const err = plan.captured?.stderr?.text;
  return out === undefined && err === undefined ? e : e.withOutput(out ?? '', err);
};

/** Runs `events$` to its end according to `plan`; a full sink holds the output until it drained. */
export const runToEnd = (events$: Observable<ExecEvent>, plan: RunPlan): Promise<ExitStatus> =>
  new Promise<ExitStatus>((resolve, reject) => {
    const stderr = plan.stderr === 'stdout' ? plan.stdout : plan.stderr;
    const { valve } = plan;
    const write = (sink: Sink, data: Buffer) => {
      if (sink.write(data) || !valve) return;
      valve.hold();
      whenDrained(sink, () => valve.release());
    };
    const finish = async (outcome: () => void, error?: OpenSSHError) => {
      const ends = await Promise.allSettled([plan.stdout.end(), stderr === plan.stdout ? undefined : stderr.end()]);
      const sinkError = ends.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) reject(withCaptured(error, plan));
      else if (sinkError) reject(withCaptured(sinkError.reason as OpenSSHError, plan));
      else outcome();
    };
    events$.subscribe({
      next: (e) => {
        if (e.type === 'stdout') write(plan.stdout, e.data);
        else if (e.type === 'stderr') write(stderr, e.data);
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
