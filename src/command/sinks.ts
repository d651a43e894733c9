// Which sink each output stream of a Promise method goes to: the call's own choice (a callback, a handle,
// a file, discarded, merged) or the method's fallback.
import type { CallOptions } from '../core/call-options';
import { callbackSink, optionSink, type Sink } from '../core/output-sink';

/** The stdout sink the call asks for, else `fallback()`. */
export const stdoutSink = (o: CallOptions, host: string, fallback: () => Sink): Sink => {
  if (o.onStdout) return callbackSink(o.onStdout, 'onStdout', host);
  return optionSink({ fh: o.stdoutFh, file: o.stdoutFile, discard: o.stdoutDiscard }, host) ?? fallback();
};

/** The stderr sink the call asks for ('stdout' when merged), else `fallback()`. */
export const stderrSink = (o: CallOptions, host: string, fallback: () => Sink): Sink | 'stdout' => {
  if (o.stderrToStdout) return 'stdout';
  if (o.onStderr) return callbackSink(o.onStderr, 'onStderr', host);
  return optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? fallback();
};

/** Which streams a run may take as lent chunks: those whose sinks are done with a chunk when `write` returns. */
export const lendable = (stdout: Sink, stderr: Sink | 'stdout') => ({
  stdout: stdout.borrows === true,
  stderr: (stderr === 'stdout' ? stdout : stderr).borrows === true,
});
