// The connection's default stdio (Net::OpenSSH's default_stdin_fh/_file/_discard and the stdout/stderr
// ones): used by a call that says nothing about that stream and accepts such options.
import { METHOD_OPTIONS, normalizeCallOptions, type MethodName } from './call-options';
import { invalidArgument } from './errors';

/** The constructor options that set the defaults, and the per-call option each stands for. */
export const STD_DEFAULT_OPTIONS = {
  defaultStdinFh: 'stdinFh',
  defaultStdinFile: 'stdinFile',
  defaultStdinDiscard: 'stdinDiscard',
  defaultStdoutFh: 'stdoutFh',
  defaultStdoutFile: 'stdoutFile',
  defaultStdoutDiscard: 'stdoutDiscard',
  defaultStderrFh: 'stderrFh',
  defaultStderrFile: 'stderrFile',
  defaultStderrDiscard: 'stderrDiscard',
} as const;

/** Per-call options standing for the defaults. */
export type StdDefaults = Readonly<Record<string, unknown>>;

// any of these in a call means the call chose that stream's handling itself
const GROUPS: ReadonlyArray<readonly string[]> = [
  ['stdinData', 'stdinFh', 'stdinFile', 'stdinDiscard', 'stdinPipe', 'stdinoutSocket', 'stdinoutDpipe'],
  ['stdoutFh', 'stdoutFile', 'stdoutDiscard', 'stdoutPipe', 'stdinoutSocket', 'stdinoutDpipe'],
  ['stderrFh', 'stderrFile', 'stderrDiscard', 'stderrPipe', 'stderrToStdout'],
];

/** Validates the constructor's default* stdio options (as a call would) and returns them as per-call options. */
export const stdDefaults = (raw: Readonly<Record<string, unknown>>): StdDefaults => {
  const out: Record<string, unknown> = {};
  for (const [ctor, call] of Object.entries(STD_DEFAULT_OPTIONS))
    if (raw[ctor] !== undefined && raw[ctor] !== false) out[call] = raw[ctor];
  // every call appends to a default output file (Net::OpenSSH opens it once and all calls share the handle);
  // a default stdin file is read from its start by each call
  for (const k of ['stdoutFile', 'stderrFile']) if (typeof out[k] === 'string') out[k] = ['a', out[k]];
  try {
    normalizeCallOptions('system', out);
  } catch (e) {
    const ctorName = (_: string, k: string) => `\`default${k[0]!.toUpperCase()}${k.slice(1)}\``;
    throw invalidArgument(`constructor default stdio: ${(e as Error).message.replace(/`(std\w+)`/g, ctorName)}`);
  }
  return out;
};

/** `options` with the defaults of every stream the call left alone, where `method` accepts them. */
export const withStdDefaults = (
  method: MethodName,
  options: Record<string, unknown>,
  defaults: StdDefaults,
): Record<string, unknown> => {
  const accepted: ReadonlySet<string> = METHOD_OPTIONS[method];
  let out = options;
  for (const keys of GROUPS) {
    if (keys.some((k) => options[k] !== undefined && options[k] !== false)) continue;
    for (const [k, v] of Object.entries(defaults)) if (keys.includes(k) && accepted.has(k)) out = { ...out, [k]: v };
  }
  return out;
};
