// The process handles (Net::OpenSSH's open_ex and the methods built on it): the command starts and the
// caller gets its streams. No timeout applies: the caller owns the process until its `exit`.
import type { CallOptions, MethodName } from '../core/call-options';
import { duplexOf, wireProcess, type RemoteProcess } from '../core/remote-process';
import { openPty, type PtyHandle } from '../core/pty/pty-handle';
import { aborted, invalidArgument } from '../core/errors';
import { prepareCall, type Call } from './call';
import type { CommandSite } from './site';

/**
 * Starts a prepared call and wires its streams as the options ask. The call's `signal` ends the process as
 * `kill()` would (an already aborted one starts nothing).
 */
export const startProcess = async (site: CommandSite, call: Call): Promise<RemoteProcess> => {
  const { signal } = call;
  if (signal?.aborted) throw aborted(call.host, signal.reason);
  const ch = await site.openChannel(call.request, call.engine);
  if (signal) {
    const onAbort = () => ch.close();
    signal.addEventListener('abort', onAbort, { once: true });
    ch.exit.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
  }
  return wireProcess(ch, call.options, call.host);
};

/** The pipes each handle method gives its caller. */
const PIPES: Partial<Record<MethodName, Partial<CallOptions>>> = {
  pipeIn: { stdinPipe: true },
  pipeOut: { stdoutPipe: true },
  open2: { stdinPipe: true, stdoutPipe: true },
  open2socket: { stdinPipe: true, stdoutPipe: true },
  open3: { stdinPipe: true, stdoutPipe: true, stderrPipe: true },
  open3socket: { stdinPipe: true, stdoutPipe: true, stderrPipe: true },
};

/** Net::OpenSSH's open_ex pty options, which a Node child cannot have (see PTY_OPTION_REASON). */
const PTY_OPTIONS = ['stdinPty', 'stdoutPty', 'closeSlavePty'];
const PTY_OPTION_REASON =
  'Node cannot make a pty the stdin or stdout (and controlling terminal) of a child process; ' +
  'use open2pty (a pty for stdin and stdout) or open3pty (stderr apart)';

/** Refuses Net::OpenSSH's pty options of open_ex with the methods that do what they did. */
const refusePtyOptions = (args: readonly unknown[]): void => {
  const o = args[0];
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
  const asked = PTY_OPTIONS.find((k) => k in o);
  if (asked) throw invalidArgument(`\`${asked}\` is not supported: ${PTY_OPTION_REASON}`);
};

/** openEx, spawn, pipeIn, pipeOut, open2, open3: the started process. */
export const openProcess = (
  site: CommandSite,
  method: MethodName,
  args: readonly unknown[],
): Promise<RemoteProcess> => {
  refusePtyOptions(args);
  return startProcess(site, prepareCall(site, method, args, PIPES[method]));
};

/** open2socket: stdin and stdout as one Duplex, beside the process handle. */
export const openSocket = async (site: CommandSite, args: readonly unknown[]) => {
  const p = await openProcess(site, 'open2socket', args);
  return { socket: duplexOf(p), process: p };
};

/** open3socket: stdin and stdout as one Duplex, stderr apart, beside the process handle. */
export const openSocket3 = async (site: CommandSite, args: readonly unknown[]) => {
  const p = await openProcess(site, 'open3socket', args);
  return { socket: duplexOf(p), stderr: p.stderr!, process: p };
};

/** open2pty / open3pty: the command on a remote tty, driven through a local pty (always an `ssh -tt` process). */
export const openPtyProcess = async (
  site: CommandSite,
  method: 'open2pty' | 'open3pty',
  args: readonly unknown[],
): Promise<PtyHandle> => {
  const call = prepareCall(site, method, args);
  const o = call.options;
  for (const k of ['cols', 'rows'] as const)
    if (o[k] !== undefined && (!Number.isInteger(o[k]) || o[k]! < 1))
      throw invalidArgument(`Expected \`${k}\` to be a positive integer`, o[k]);
  await site.waitForMaster();
  return openPty(
    site.engineContext(),
    { ...call.request, tty: o.tty ?? true },
    { cols: o.cols, rows: o.rows, separateStderr: method === 'open3pty' },
  );
};
