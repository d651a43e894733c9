// Constructor options: their documentation (the ssh flag each becomes, and its default) and their
// normalisation, done once per connection.
import { checkPort, checkUser, parseDestination, type Destination } from './destination';
import { invalidArgument } from './errors';
import {
  assertArgList,
  assertBoolean,
  assertOneOf,
  assertPositiveInt,
  assertSeconds,
  assertString,
  checkArgumentEncoding,
  checkStreamEncoding,
  pickKnown,
} from './validate';
import { getQuoter } from '../quoting/get-quoter';
import { quoting } from './remote-command';
import type { Quoter } from '../quoting/quoter';

/** Which engine runs commands: see docs/ARCHITECTURE.md. */
export type EngineName = 'auto' | 'mux' | 'spawn';

/** Options of `new OpenSSH(destination, options)`. Net::OpenSSH's names, in camelCase. */
export interface OpenSSHOptions {
  /** Remote user (`ssh -l`). A user in the destination string wins. @default the ssh_config value (usually your local user) */
  user?: string;
  /** Remote port (`ssh -p`). A port in the destination wins. @default the ssh_config value (usually 22) */
  port?: number;
  /** Private key file (`ssh -i`, with `IdentitiesOnly=yes`). @default the keys ssh_config names */
  keyPath?: string;
  /** Never prompt (`-o BatchMode=yes`): a missing or wrong key fails at once instead of waiting for a password. @default false */
  batchMode?: boolean;
  /**
   * Seconds: bounds the login (the master is killed if not ready in time), is the default inactivity timeout of every
   * operation, and sets `-o ServerAliveInterval=(timeout+2)/3`. @default no timeout (ServerAliveInterval=30)
   */
  timeout?: number;
  /** Directory for the control socket; created 0700 and checked for safety (see `strictMode`). @default `~/.net-openssh` */
  ctlDir?: string;
  /** Control socket path (`ssh -S`). Must not exist, unless `externalMaster`. @default a random name inside `ctlDir` */
  ctlPath?: string;
  /** The ssh binary. @default `'ssh'` */
  sshCmd?: string;
  /** Extra options for the master, placed first (ssh keeps the first value of each `-o`, so these win). */
  masterOpts?: string[] | string;
  /** ssh options for every slave ssh process, unless a call passes its own `sshOpts`. */
  defaultSshOpts?: string[] | string;
  /** Refuse a ctlDir that others could write to (it or a parent: group/other-writable without the sticky bit, or owned by another user). @default true */
  strictMode?: boolean;
  /** Do not wait for the master in `OpenSSH.create()`; poll `waitForMaster(true)` or watch `state$`. @default false */
  async?: boolean;
  /** Start the master at construction. With false it starts on the first operation or `waitForMaster()`. @default true */
  connect?: boolean;
  /** Use an existing master at `ctlPath` instead of starting one. It is not ended on process exit. @default false */
  externalMaster?: boolean;
  /** The remote shell, for quoting: `'POSIX'` (sh, bash, dash, ksh, zsh), `'csh'`, `'fish'`, `'MSWin'`, `'MSCmd'`, or a chain `'MSCmd,MSWin'`. @default 'POSIX' */
  remoteShell?: string | Quoter;
  /** Encoding of command arguments and of text output, unless the two below say otherwise (Net::OpenSSH's default_encoding). @default 'utf8' */
  defaultEncoding?: string;
  /** Encoding that turns command arguments into bytes (`'utf8'`, `'latin1'`, ...). @default defaultEncoding */
  defaultArgumentEncoding?: string;
  /** Encoding for text output (capture, captureLines, capture2 and the text Observables). @default defaultEncoding */
  defaultStreamEncoding?: string;
  /** Kill the slave (ssh process or channel) when an operation times out. @default false (Net::OpenSSH's: the command is left running) */
  killSshOnTimeout?: boolean;
  /** Send the master's stdout to /dev/null. @default true (the master never writes to it with -N) */
  masterStdoutDiscard?: boolean;
  /** Send the master's stderr to /dev/null instead of keeping it for error messages. @default false */
  masterStderrDiscard?: boolean;
  /** Engine for commands: `'spawn'` (one `ssh -S` per operation), `'mux'` (the control socket, no process), `'auto'`. @default 'auto' */
  engine?: EngineName;
  /** Let the mux engine carry tunnels too (direct-tcpip / direct-streamlocal in proxy mode). A refused tunnel retires its control socket (OpenSSH 9.2 keeps a dangling channel), so the default is `ssh -W` through the spawn engine. @default false */
  muxTunnels?: boolean;
  /** Sessions the server allows per connection (sshd MaxSessions); the mux engine queues beyond it. @default 10 */
  maxSessions?: number;
  /** Forward the agent on the master (`-A`); `'always'` also forwards it in every slave. @default false (`-a`) */
  forwardAgent?: boolean | 'always';
  /** Forward X11 on the master (`-X`). @default false (`-x`) */
  forwardX11?: boolean;
  /** `-o ProxyCommand=...` for the master. */
  proxyCommand?: string;
  /** Expand `%HOST%`, `%USER%`, `%PORT%` and `setVar` variables in commands. @default false */
  expandVars?: boolean;
  /** Initial variables for `expandVars`. */
  vars?: Record<string, string | number>;
  /** Password for password/keyboard-interactive login, answered on a pty (needs node-pty). Never put in argv or env. */
  password?: string;
  /** Passphrase of `keyPath`, answered on a pty (needs node-pty). */
  passphrase?: string;
}

/** Normalised connection settings. */
export interface ConnectionSettings {
  dest: Destination;
  user: string | undefined;
  port: number | undefined;
  password: string | undefined;
  passphrase: string | undefined;
  keyPath: string | undefined;
  batchMode: boolean;
  timeout: number | undefined;
  ctlDir: string | undefined;
  ctlPath: string | undefined;
  sshCmd: string;
  masterOpts: string[];
  defaultSshOpts: string[];
  strictMode: boolean;
  async: boolean;
  connect: boolean;
  externalMaster: boolean;
  remoteShell: Quoter;
  argumentEncoding: string;
  killSshOnTimeout: boolean;
  masterStdoutDiscard: boolean;
  masterStderrDiscard: boolean;
  engine: EngineName;
  muxTunnels: boolean;
  maxSessions: number;
  forwardAgent: boolean | 'always';
  forwardX11: boolean;
  proxyCommand: string | undefined;
  expandVars: boolean;
  vars: Record<string, string>;
  /** The encoding for text output (capture and friends). */
  streamEncoding: string;
}

const KNOWN = new Set([
  'host', 'user', 'port', 'keyPath', 'batchMode', 'timeout', 'ctlDir', 'ctlPath', 'sshCmd', 'masterOpts', 'defaultSshOpts',
  'strictMode', 'async', 'connect', 'externalMaster', 'remoteShell', 'killSshOnTimeout', 'masterStdoutDiscard',
  'masterStderrDiscard', 'engine', 'muxTunnels', 'maxSessions', 'forwardAgent', 'forwardX11', 'proxyCommand', 'expandVars', 'vars', 'defaultEncoding', 'defaultArgumentEncoding', 'defaultStreamEncoding',
  'password', 'passphrase',
]);

/** Validates the destination and options and applies every default. Throws OSSH_INVALID_ARGUMENT. */
export const normalizeCtorOptions = (destination: unknown, raw: unknown): ConnectionSettings => {
  const o = pickKnown<OpenSSHOptions & { host?: string }>(raw, KNOWN, 'OpenSSH constructor');
  const dest = parseDestination(destination ?? o.host);
  const {
    batchMode = false,
    strictMode = true,
    async = false,
    connect = true,
    externalMaster = false,
    remoteShell = 'POSIX',
    killSshOnTimeout = false,
    masterStdoutDiscard = true,
    masterStderrDiscard = false,
    engine = 'auto',
    maxSessions = 10,
    muxTunnels = false,
    forwardAgent = false,
    forwardX11 = false,
    expandVars = false,
    vars = {},
    sshCmd = 'ssh',
  } = o;
  for (const k of ['batchMode', 'strictMode', 'async', 'connect', 'externalMaster', 'killSshOnTimeout', 'masterStdoutDiscard',
    'masterStderrDiscard', 'forwardX11', 'expandVars', 'muxTunnels'] as const)
    assertBoolean(k, o[k]);
  if (forwardAgent !== 'always') assertBoolean('forwardAgent', forwardAgent);
  assertOneOf('engine', engine, ['auto', 'mux', 'spawn'] as const);
  assertPositiveInt('maxSessions', maxSessions);
  assertString('sshCmd', sshCmd);
  const quoter = quoting(dest.host, () => getQuoter(remoteShell as string | Quoter));
  if (typeof vars !== 'object' || vars === null || Object.values(vars).some((v) => typeof v !== 'string' && typeof v !== 'number'))
    throw invalidArgument('Expected `vars` to be an object of strings or numbers', vars);
  const encoding = checkArgumentEncoding('defaultEncoding', o.defaultEncoding) ?? 'utf8';
  const user = dest.user ?? (o.user === undefined ? undefined : checkUser(assertString('user', o.user)!));
  const port = dest.port ?? (o.port === undefined ? undefined : checkPort(o.port));
  if (externalMaster && o.ctlPath === undefined) throw invalidArgument('`externalMaster` is set but `ctlPath` is not');
  return {
    dest,
    user,
    port,
    password: dest.password ?? assertString('password', o.password, { nonEmpty: false }),
    passphrase: assertString('passphrase', o.passphrase, { nonEmpty: false }),
    keyPath: assertString('keyPath', o.keyPath),
    batchMode,
    timeout: assertSeconds('timeout', o.timeout),
    ctlDir: assertString('ctlDir', o.ctlDir),
    ctlPath: assertString('ctlPath', o.ctlPath),
    sshCmd,
    masterOpts: assertArgList('masterOpts', o.masterOpts) ?? [],
    defaultSshOpts: assertArgList('defaultSshOpts', o.defaultSshOpts) ?? [],
    strictMode,
    async,
    connect,
    externalMaster,
    remoteShell: quoter,
    argumentEncoding: checkArgumentEncoding('defaultArgumentEncoding', o.defaultArgumentEncoding) ?? encoding,
    streamEncoding: checkStreamEncoding('defaultStreamEncoding', o.defaultStreamEncoding) ?? encoding,
    killSshOnTimeout,
    masterStdoutDiscard,
    masterStderrDiscard,
    engine,
    muxTunnels,
    maxSessions,
    forwardAgent,
    forwardX11,
    proxyCommand: assertString('proxyCommand', o.proxyCommand),
    expandVars,
    vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
  };
};
