// Net::OpenSSH's Promise methods (system, test, capture, captureLines, capture2): the command's events
// run to their end into sinks, and the exit status judged. Thin layers over commandEvents$.
import type { ExitStatus } from '../core/channel';
import { checkDecodable } from '../core/decode-text';
import { slaveCmdFailed } from '../core/errors';
import {
  CaptureSink,
  TailSink,
  discardSink,
  inheritSink,
  lendable,
  stderrSink,
  stdoutSink,
  teeSink,
  type Sink,
} from '../core/output-sink';
import type { RemoteProcess } from '../core/remote-process';
import { prepareCall, type Call } from './call';
import { commandEvents$ } from './command-events';
import { OutputValve } from './output-valve';
import { startProcess } from './process-methods';
import { runToEnd } from './run-to-end';
import type { CommandSite } from './site';

/** Result of capture2: stdout and stderr as strings. */
export type Capture2Result = [stdout: string, stderr: string];

const run = (
  site: CommandSite,
  call: Call,
  stdout: Sink,
  stderr: Sink | 'stdout',
  captured?: { stdout?: CaptureSink; stderr?: CaptureSink },
): Promise<ExitStatus> => {
  const valve = new OutputValve();
  const events$ = commandEvents$(site, call, lendable(stdout, stderr), valve);
  return runToEnd(events$, { stdout, stderr, captured, valve });
};

/** stderr to ours, its tail kept for the error. */
const inheritedStderr = (call: Call, tail: TailSink) =>
  stderrSink(call.options, call.host, () => teeSink(inheritSink('stderr'), tail));

/** system: output to ours unless redirected; true on exit 0; with `async`, the running process. */
export const system = async (site: CommandSite, args: readonly unknown[]): Promise<true | RemoteProcess> => {
  const call = prepareCall(site, 'system', args);
  const o = call.options;
  if (o.async) return startProcess(site, call);
  if (o.stdinoutDpipe !== undefined) {
    // the streams belong to the local command: run it as openEx does, then judge the exit
    const st = await (await startProcess(site, call)).exit;
    if (st.code !== 0) throw slaveCmdFailed(call.host, st.code, st.signal, undefined, st.note);
    return true;
  }
  const errTail = new TailSink();
  const stdout = stdoutSink(o, call.host, () => inheritSink('stdout'));
  const status = await run(site, call, stdout, inheritedStderr(call, errTail));
  if (status.code !== 0)
    throw slaveCmdFailed(call.host, status.code, status.signal, errTail.text || undefined, status.note);
  return true;
};

/** test: output discarded unless redirected; whether the command exited 0. */
export const test = async (site: CommandSite, args: readonly unknown[]): Promise<boolean> => {
  const call = prepareCall(site, 'test', args);
  const o = call.options;
  const status = await run(site, call, stdoutSink(o, call.host, discardSink), stderrSink(o, call.host, discardSink));
  return status.code === 0;
};

/** The text a capture sink holds; output too large for a string rejects, naming the stream and its size. */
const captured = (sink: CaptureSink, call: Call, what: string): string => {
  checkDecodable(sink.size, call.streamEncoding, call.host, what);
  return sink.text;
};

/**
 * capture: stdout as text, with the prepared call (captureLines reads its separator there); a non-zero exit
 * rejects with the output. Output too large for a string rejects (the bytes past the limit were never kept).
 */
const captureText = async (site: CommandSite, args: readonly unknown[]): Promise<[text: string, call: Call]> => {
  const call = prepareCall(site, 'capture', args);
  const out = new CaptureSink(call.streamEncoding);
  const errTail = new TailSink();
  const status = await run(site, call, out, inheritedStderr(call, errTail), { stdout: out });
  if (status.code !== 0) {
    const e = slaveCmdFailed(call.host, status.code, status.signal, errTail.text || undefined, status.note);
    throw e.withOutput(captured(out, call, 'stdout'));
  }
  return [captured(out, call, 'stdout'), call];
};

/** capture: stdout as text. */
export const capture = async (site: CommandSite, args: readonly unknown[]): Promise<string> =>
  (await captureText(site, args))[0];

/** captureLines: stdout as lines, each ending with the separator (Perl's list context). */
export const captureLines = async (site: CommandSite, args: readonly unknown[]): Promise<string[]> => {
  const [text, call] = await captureText(site, args);
  const sep = call.options.separator || '\n';
  const lines: string[] = [];
  let at = 0;
  for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, at)) {
    lines.push(text.slice(at, i + sep.length));
    at = i + sep.length;
  }
  if (at < text.length) lines.push(text.slice(at));
  return lines;
};

/** capture2: `[stdout, stderr]`; a non-zero exit rejects with both. */
export const capture2 = async (site: CommandSite, args: readonly unknown[]): Promise<Capture2Result> => {
  const call = prepareCall(site, 'capture2', args);
  const out = new CaptureSink(call.streamEncoding);
  const err = new CaptureSink(call.streamEncoding);
  const status = await run(site, call, out, err, { stdout: out, stderr: err });
  const [stdout, stderr] = [captured(out, call, 'stdout'), captured(err, call, 'stderr')];
  if (status.code !== 0)
    throw slaveCmdFailed(call.host, status.code, status.signal, stderr, status.note).withOutput(stdout);
  return [stdout, stderr];
};
