// A command call, prepared once: Net::OpenSSH's `(\%opts, @cmd)` split, the connection's default stdio,
// the call options validated, every connection default applied (timeout, kill on timeout, engine,
// encodings), and the channel request built. Nothing after this reads the connection's settings again.
import { normalizeCallOptions, type CallOptions, type MethodName } from '../core/call-options';
import type { ChannelRequest } from '../core/channel';
import { invalidArgument } from '../core/errors';
import { splitLeadingOptions } from '../core/leading-options';
import type { EngineName } from '../core/options';
import {
  checkArgs,
  fragmentsFor,
  outputRedirections,
  remoteCommandLine,
  type CommandArg,
} from '../core/remote-command';
import { withStdDefaults } from '../core/std-defaults';
import { needsStdin, stdinSource, type StdinSource } from '../core/stdin-source';
import { checkTarget } from '../tunnels/tunnel-options';
import type { CommandSite } from './site';

/** Methods whose result is an Observable: a stream that ended holds nothing, so a timeout always ends it. */
const OBSERVABLE_METHODS: ReadonlySet<MethodName> = new Set(['exec$']);

/** One call, ready to run. */
export interface Call {
  /** The call's options, validated, with the connection's default stdio applied. */
  readonly options: CallOptions;
  /** The command's arguments (or a tunnel's host and port). */
  readonly cmd: CommandArg[];
  /** The host, for errors. */
  readonly host: string;
  /** Seconds without traffic before OSSH_SLAVE_TIMEOUT, or undefined for none (the call's, else the connection's). */
  readonly timeout: number | undefined;
  /** End the command when it times out (the call's, else the connection's; always for Observables). */
  readonly kill: boolean;
  /** Cancels the call as unsubscribing does. */
  readonly signal: AbortSignal | undefined;
  /** The engine asked for (the call's, else the connection's). */
  readonly engine: EngineName;
  /** The encoding of text output. */
  readonly streamEncoding: string;
  /** Where stdin comes from. */
  readonly stdin: StdinSource;
  /** What to open. */
  readonly request: ChannelRequest;
  /**
   * The options (`stdoutDiscard`, `stderrDiscard`, ...) whose output redirection the command line carries
   * (quoteArgsExtended), which a restricted shell refuses: see server-refusals.ts.
   */
  readonly redirections: readonly string[];
}

/** `(host, port)` of a `tunnel: true` call, checked; the port may be a number or a numeric string. */
const tunnelArgs = (args: readonly unknown[]): CommandArg[] => {
  const [host, port] = args;
  const p = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (args.length !== 2 || typeof host !== 'string') throw invalidArgument('a `tunnel: true` call takes (host, port)');
  const t = checkTarget([host, p]) as { host: string; port: number }; // two arguments: always host and port
  return [t.host, String(t.port)];
};

/** The channel request of a call. */
const requestOf = (site: CommandSite, o: CallOptions, args: CommandArg[], stdin: StdinSource): ChannelRequest => {
  const pipe = needsStdin(stdin) ? 'pipe' : 'ignore';
  const sshOpts = o.sshOpts as string[] | undefined;
  if (o.tunnel) {
    if (o.subsystem || o.tty) throw invalidArgument('`tunnel` cannot be combined with `subsystem` or `tty`');
    const tunnel = { host: args[0] as string, port: Number(args[1]) };
    return { kind: 'tunnel', tunnel, stdin: pipe, sshOpts, setpgrp: o.setpgrp };
  }
  if (o.subsystem && args.length !== 1) throw invalidArgument('a subsystem call takes exactly one argument: its name');
  const command = o.subsystem
    ? (args[0] as string)
    : args.length
      ? remoteCommandLine(args, o, site.commandContext())
      : undefined;
  return {
    kind: o.subsystem ? 'subsystem' : command === undefined ? 'shell' : 'exec',
    command,
    tty: o.tty,
    env: o.env,
    sshOpts,
    forwardAgent: o.forwardAgent ?? (site.settings.forwardAgent === 'always' ? true : undefined),
    forwardX11: o.forwardX11,
    setpgrp: o.setpgrp,
    stdin: pipe,
  };
};

/**
 * Prepares `method`'s call from its arguments. `overrides` are options the method itself sets (for example
 * `open2`'s pipes). Throws OSSH_INVALID_ARGUMENT before anything runs.
 */
export const prepareCall = (
  site: CommandSite,
  method: MethodName,
  args: readonly unknown[],
  overrides: Partial<CallOptions> = {},
): Call => {
  const s = site.settings;
  const [given, rest] = splitLeadingOptions(args);
  const o = { ...normalizeCallOptions(method, withStdDefaults(method, given, s.stdDefaults)), ...overrides };
  const cmd = o.tunnel ? tunnelArgs(rest) : checkArgs(rest);
  const observable = OBSERVABLE_METHODS.has(method);
  if (observable && o.killSshOnTimeout === false)
    throw invalidArgument(
      '`killSshOnTimeout: false` cannot apply to an Observable: a stream that errored holds no command; ' +
        'use a Promise method (capture, system...) to leave a timed-out command running',
    );
  const timeout = o.timeout ?? s.timeout;
  const stdin = stdinSource(o);
  const request = requestOf(site, o, cmd, stdin);
  return {
    options: o,
    cmd,
    host: s.dest.host,
    timeout: timeout === 0 ? undefined : timeout,
    kill: observable || (o.killSshOnTimeout ?? s.killSshOnTimeout),
    signal: o.signal,
    engine: o.engine ?? s.engine,
    streamEncoding: o.streamEncoding ?? o.encoding ?? s.streamEncoding,
    stdin,
    request,
    redirections:
      request.kind === 'exec' && fragmentsFor(o).length > 0 ? outputRedirections(cmd, o, site.commandContext()) : [],
  };
};
