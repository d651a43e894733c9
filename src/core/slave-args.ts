// Pure: one operation's options -> the argv of its `ssh -S <ctl>` slave.
import type { ChannelRequest } from './channel';
import { encodingError, invalidArgument } from './errors';

// A slave must only ever ride on our master: never become a master, never connect on its own.
// ProxyCommand=false makes a missing socket fail at once instead of opening a second connection.
const GUARD = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];

const CONTROL_FLAG = /^-[^o-]*[SMO]/; // -S, -M, -O, also inside a cluster such as -qS
const CONTROL_KEYWORD = /^(-o\s*)?(ControlPath|ControlMaster|ControlPersist)\b/i;

/** Rejects ssh options that would change which master a slave uses (they belong to the connection). */
export const checkSshOpts = (opts: readonly string[], name = 'sshOpts'): readonly string[] => {
  opts.forEach((o, i) => {
    const value = opts[i - 1] === '-o' ? `-o ${o}` : o;
    if ((opts[i - 1] !== '-o' && CONTROL_FLAG.test(o)) || CONTROL_KEYWORD.test(value))
      throw invalidArgument(`\`${name}\` must not change the control socket or master (${value}); use the constructor's ctlPath / externalMaster`);
  });
  return opts;
};

/** Escapes a Unix socket path for `ssh -W` (Net::OpenSSH: `./` when relative; `\` and `:` escaped). */
const tunnelSocketTarget = (path: string): string =>
  (path.includes('/') ? path : `./${path}`).replace(/[\\:]/g, (c) => `\\${c}`);

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
    throw encodingError(undefined, 'the spawn engine can only pass UTF-8 command lines (Node encodes argv as UTF-8); use the mux engine for other argument encodings');
  }
};

/** argv (without the binary) of the slave for `req` over the master at `ctlPath`. */
export const slaveArgs = (
  req: ChannelRequest,
  ctlPath: string,
  destination: readonly string[],
  defaultSshOpts: readonly string[],
): string[] => {
  const args = [...(req.sshOpts ?? defaultSshOpts)];
  const f = flags(req);
  if (f) args.push(f);
  if (req.kind === 'tunnel') {
    const t = req.tunnel;
    if (!t) throw invalidArgument('a tunnel needs a host and port, or a socket path');
    args.push('-W', 'path' in t ? tunnelSocketTarget(t.path) : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`);
  }
  for (const [k, v] of Object.entries(req.env ?? {})) args.push('-o', `SetEnv=${k}=${v}`);
  args.push('-S', ctlPath, ...GUARD, ...destination);
  if (req.kind === 'exec' || req.kind === 'subsystem') {
    if (req.command === undefined) throw invalidArgument(`a ${req.kind} request needs a command`);
    args.push(typeof req.command === 'string' ? req.command : utf8Command(req.command));
  }
  return args;
};
