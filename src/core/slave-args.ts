// Pure: one operation's options -> the argv of its `ssh -S <ctl>` slave.
import type { ChannelRequest } from './channel';
import { encodingError, invalidArgument } from './errors';
import { sshControlPath } from './ssh-path';

// A slave must only ever ride on our master: never become a master, never connect on its own.
// ProxyCommand=false makes a missing socket fail at once instead of opening a second connection.
// ssh keeps the FIRST value of each option, so the guard goes before the user's options.
const GUARD = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];

/** `-S <ctl>` (escaped: ssh expands `%` tokens in it) and the guard: what ties every slave to our master. */
const onMaster = (ctlPath: string): string[] => ['-S', sshControlPath(ctlPath), ...GUARD];

// ssh's options that take a value (its getopt string; -P since OpenSSH 9.4), and those that pick the master
const WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw');
const CONTROL_FLAGS = new Set('SMO');
const CONTROL_KEYWORDS = new Set(['controlpath', 'controlmaster', 'controlpersist']);

/** The keyword of an `-o` value as ssh reads it: blanks and `=` before it skipped, quotes dropped, any case. */
const keywordOf = (value: string): string =>
  value
    .replace(/^[\s=]+/, '')
    .split(/[\s=]/)[0]!
    .replace(/"/g, '')
    .toLowerCase();

/**
 * Rejects ssh options that would change which master a process uses (they belong to the connection), read
 * the way ssh's getopt reads them: `-S x`, `-Sx`, `-qS x`, `-M`, `-O cmd`, `-o ControlPath=x`,
 * `-oControlMaster yes`, `-qo "controlpersist"=1`... Also a word that is not an option, or `--`: ssh would
 * take it as the destination and connect on its own, without the master.
 */
export const checkSshOpts = (opts: readonly string[], name = 'sshOpts'): readonly string[] => {
  const refuse = (what: string) =>
    invalidArgument(
      `\`${name}\` must not change the control socket or master (${what}); use the constructor's ctlPath, ` +
        `externalMaster or persist`,
    );
  for (let i = 0; i < opts.length; i++) {
    const arg = opts[i]!;
    if (arg === '--' || arg === '-' || !arg.startsWith('-'))
      throw invalidArgument(
        `\`${name}\` must hold ssh options only: ssh would read ` +
          `${JSON.stringify(arg)}${arg === '--' ? ' as the end of its options' : ' as the destination'}`,
      );
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      if (CONTROL_FLAGS.has(flag)) throw refuse(arg);
      if (!WITH_VALUE.has(flag)) continue;
      const value = j + 1 < arg.length ? arg.slice(j + 1) : opts[++i];
      if (value === undefined) throw invalidArgument(`\`${name}\`: the ssh option -${flag} needs a value`);
      if (flag === 'o' && CONTROL_KEYWORDS.has(keywordOf(value))) throw refuse(`-o ${value}`);
      break;
    }
  }
  return opts;
};

/** Escapes a Unix socket path for `ssh -W` (Net::OpenSSH: `./` when relative; `\` and `:` escaped). */
const tunnelSocketTarget = (path: string): string =>
  (path.includes('/') ? path : `./${path}`).replace(/[\\:]/g, (c) => `\\${c}`);

/** An env value as ssh's SetEnv reads it: blanks would split it, so such values go in double quotes. */
const setEnvValue = (v: string): string => (/^[^\s"'\\]*$/.test(v) ? v : `"${v.replace(/["\\]/g, '\\$&')}"`);

/**
 * The user's options with `-J x` written as `-o ProxyJump=x`: ssh refuses the flag after a ProxyCommand
 * ("Cannot specify -J with ProxyCommand"), while the keyword loses to the guard's ProxyCommand=false that
 * comes first. A slave rides the master and never jumps, so the option only needs to stay harmless.
 */
const jumpAsKeyword = (opts: readonly string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < opts.length; i++) {
    const arg = opts[i]!;
    let j = 1;
    while (j < arg.length && arg.startsWith('-') && !WITH_VALUE.has(arg[j]!)) j++;
    if (j >= arg.length || !arg.startsWith('-')) {
      out.push(arg);
      continue;
    }
    const value = j + 1 < arg.length ? arg.slice(j + 1) : opts[++i];
    if (arg[j] !== 'J') out.push(arg, ...(j + 1 < arg.length || value === undefined ? [] : [value]));
    else out.push(...(j > 1 ? [arg.slice(0, j)] : []), '-o', `ProxyJump=${value ?? ''}`);
  }
  return out;
};

/** The single flag cluster Net::OpenSSH emits after the ssh options. */
const flags = (req: ChannelRequest): string => {
  let f = '';
  if (req.tty === true) f += 'qtt';
  else if (req.tty === false || req.kind === 'tunnel' || req.kind === 'subsystem') f += 'T';
  if (req.forwardAgent !== undefined) f += req.forwardAgent ? 'A' : 'a';
  if (req.forwardX11 !== undefined) f += req.forwardX11 ? 'X' : 'x';
  if (req.kind === 'subsystem') f += 's';
  return f === '' ? '' : `-${f}`;
};

// Node encodes argv as UTF-8, so a slave process can only carry command lines that are valid UTF-8.
const utf8Command = (bytes: Buffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw encodingError(
      undefined,
      'the spawn engine can only pass UTF-8 command lines (Node encodes argv as UTF-8); use the mux engine for ' +
        'other argument encodings',
    );
  }
};

/** argv (without the binary) of the slave for `req` over the master at `ctlPath`. */
export const slaveArgs = (
  req: ChannelRequest,
  ctlPath: string,
  destination: readonly string[],
  defaultSshOpts: readonly string[],
): string[] => {
  const args = [...onMaster(ctlPath), ...jumpAsKeyword(req.sshOpts ?? defaultSshOpts)];
  const f = flags(req);
  if (f) args.push(f);
  if (req.kind === 'tunnel') {
    const t = req.tunnel;
    if (!t) throw invalidArgument('a tunnel needs a host and port, or a socket path');
    args.push(
      '-W',
      'path' in t ? tunnelSocketTarget(t.path) : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`,
    );
  }
  for (const [k, v] of Object.entries(req.env ?? {})) args.push('-o', `SetEnv=${k}=${setEnvValue(v)}`);
  args.push(...destination);
  if (req.kind === 'exec' || req.kind === 'subsystem') {
    if (req.command === undefined) throw invalidArgument(`a ${req.kind} request needs a command`);
    args.push(typeof req.command === 'string' ? req.command : utf8Command(req.command));
  }
  return args;
};

/**
 * A slave ssh command as a structured value: what a local tool riding on the master (scp, rsync, sshfs,
 * `ssh -O`, `ssh -W`) needs to know about the connection, with the same rules as {@link slaveArgs}.
 */
export interface SlaveCommand {
  /** The host, for messages and for `host:path` specs. */
  readonly host: string;
  /** The host with IPv6 brackets, for `host:path` specs. */
  readonly hostSquared: string;
  /** The remote user, when the connection names one. */
  readonly user: string | undefined;
  /** The port, when the connection names one. */
  readonly port: number | undefined;
  /** The master's control socket. */
  readonly ctlPath: string;
  /** The ssh binary (`sshCmd`). */
  readonly sshCmd: string;
  /** This call's ssh options: its `sshOpts`, else the connection's `defaultSshOpts` (plus the flag cluster). */
  readonly sshOpts: readonly string[];
  /**
   * The complete `ssh` argv up to, not including, `-- host`: binary, `-S <ctl>`, the slave guard
   * (`ControlMaster=no`, `ProxyCommand=false`: first, as ssh keeps the first value), options, `-l user`,
   * `-p port`. Tools that append the host (rsync, sshfs) use it.
   */
  readonly sshArgvNoHost: readonly string[];
  /** The destination part of the slave argv: `['-l', user, '-p', port, '--', host]` (as the spawn engine takes it). */
  readonly destinationArgs: readonly string[];
}

/** What {@link slaveCommand} is built from: the connection's settings and the master's socket. */
export interface SlaveCommandInput {
  readonly sshCmd: string;
  readonly ctlPath: string;
  readonly host: string;
  readonly user: string | undefined;
  readonly port: number | undefined;
  /** The connection's destination arguments, ending `-- host` (master-args.ts `destinationArgs`). */
  readonly destination: readonly string[];
  readonly defaultSshOpts: readonly string[];
  /** The connection forwards the agent on every slave (`forwardAgent: 'always'`). */
  readonly forwardAgent?: boolean | undefined;
  /** This call's ssh options, replacing `defaultSshOpts`; checked as `sshOpts`. */
  readonly sshOpts?: readonly string[] | undefined;
}

/** The {@link SlaveCommand} of a connection (the argv `slaveArgs` would give, as parts). Throws on bad `sshOpts`. */
export const slaveCommand = (i: SlaveCommandInput): SlaveCommand => {
  const req: ChannelRequest = {
    kind: 'exec',
    stdin: 'pipe',
    sshOpts: i.sshOpts === undefined ? undefined : checkSshOpts(i.sshOpts),
    forwardAgent: i.forwardAgent ? true : undefined,
  };
  const f = flags(req);
  const sshOpts = [...jumpAsKeyword(req.sshOpts ?? i.defaultSshOpts), ...(f ? [f] : [])];
  const dashes = i.destination.indexOf('--');
  if (dashes < 0) throw invalidArgument('internal error: destination arguments without `--`');
  return {
    host: i.host,
    hostSquared: i.host.includes(':') ? `[${i.host}]` : i.host,
    user: i.user,
    port: i.port,
    ctlPath: i.ctlPath,
    sshCmd: i.sshCmd,
    sshOpts,
    sshArgvNoHost: [i.sshCmd, ...onMaster(i.ctlPath), ...sshOpts, ...i.destination.slice(0, dashes)],
    destinationArgs: [...i.destination],
  };
};
