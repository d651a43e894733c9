// Constructor options: their documentation (the ssh flag each becomes, and its default) and their
// normalisation, done once per connection.
import { checkPort, checkUser, parseDestination, type Destination } from './destination';
import { invalidArgument } from './errors';
import { checkSshOpts } from './slave-args';
import { checkSshPath } from './ssh-path';
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
import { quoting } from './quoting-guard';
import type { Quoter } from '../quoting/quoter';
import type { Readable, Writable } from 'node:stream';
import { STD_DEFAULT_OPTIONS, stdDefaults, type StdDefaults } from './std-defaults';
import { Secret } from './login/secret';
import { gatewayArgs, type GatewayOptions } from './login/gateway';
import { parsePersist } from './persist/persist-duration';
import type { PasswordPrompt } from './login/prompt';
import type { PtyProcess } from './pty/pty-process';
import type { EngineName } from './engine-name';

/**
 * A custom login dialogue on the master's pty (Net::OpenSSH's login_handler). Called with every new
 * output of the pty (`data` is all of it so far): write answers with `pty.write(...)`, return true once
 * the login is done, false to be called again with more output; throw (or reject) to fail the login.
 */
export type LoginHandler = (ssh: unknown, pty: PtyProcess, data: string) => boolean | Promise<boolean>;

export type { EngineName };

/** Options of `new OpenSSH(destination, options)`. Net::OpenSSH's names, in camelCase. */
export interface OpenSSHOptions {
  /**
   * Remote user (`ssh -l`). A user in the destination string wins.
   * @default the ssh_config value (usually your local user)
   */
  user?: string;
  /** Remote port (`ssh -p`). A port in the destination wins. @default the ssh_config value (usually 22) */
  port?: number;
  /**
   * Private key file (`-o IdentityFile=`, as `ssh -i`, with `IdentitiesOnly=yes`). Used as written: `%` is
   * escaped from ssh's token expansion; a leading `~` is your home directory, as for ssh; `${` is refused.
   * @default the keys ssh_config names
   */
  keyPath?: string;
  /**
   * Never prompt (`-o BatchMode=yes`): a missing or wrong key fails at once instead of waiting for a password.
   * @default false
   */
  batchMode?: boolean;
  /**
   * Seconds: bounds the login (the master is killed if not ready in time), is the default inactivity timeout of every
   * operation and Observable (a call's own `timeout` wins; `timeout: 0` turns it off for one call), and sets
   * `-o ServerAliveInterval=(timeout+2)/3`. @default no timeout (ServerAliveInterval=30)
   */
  timeout?: number;
  /**
   * Directory for the control socket; created 0700 and checked for safety (see `strictMode`). Used as written:
   * `%` is escaped from ssh's token expansion and `~` is not expanded; a path holding `${` is refused (ssh would
   * expand it as an environment variable and has no escape for it).
   * @default `~/.net-openssh`
   */
  ctlDir?: string;
  /**
   * Control socket path (`ssh -S`), used as written (as `ctlDir`). Must not exist, unless `externalMaster`.
   * @default a random name inside `ctlDir`
   */
  ctlPath?: string;
  /** The ssh binary. @default `'ssh'` */
  sshCmd?: string;
  /**
   * The scp binary for scpGet/scpPut.
   * @default `sshCmd` with its trailing `ssh` replaced by `scp` (Net::OpenSSH's rule), else `'scp'`
   */
  scpCmd?: string;
  /** The rsync binary for rsyncGet/rsyncPut. @default `'rsync'` */
  rsyncCmd?: string;
  /** The sshfs binary for sshfsImport (local) and sshfsExport (remote). @default `'sshfs'` */
  sshfsCmd?: string;
  /** The local SFTP server for sshfsExport. @default the first of OpenSSH's usual sftp-server paths that exists */
  sftpServerCmd?: string;
  /** Extra options for the master, placed first (ssh keeps the first value of each `-o`, so these win). */
  masterOpts?: string[] | string;
  /** ssh options for every slave ssh process, unless a call passes its own `sshOpts`. */
  defaultSshOpts?: string[] | string;
  /**
   * Refuse a ctlDir that others could write to (it or a parent: group/other-writable without the sticky bit, or owned
   * by another user).
   * @default true
   */
  strictMode?: boolean;
  /** Do not wait for the master in `OpenSSH.create()`; poll `waitForMaster(true)` or watch `state$`. @default false */
  async?: boolean;
  /**
   * Start the master at construction. With false it starts on the first operation or `waitForMaster()`.
   * @default true
   */
  connect?: boolean;
  /** Use an existing master at `ctlPath` instead of starting one. It is not ended on process exit. @default false */
  externalMaster?: boolean;
  /**
   * The remote shell, for quoting: `'POSIX'` (sh, bash, dash, ksh, zsh), `'csh'`, `'fish'`, `'MSWin'`, `'MSCmd'`, or a
   * chain `'MSCmd,MSWin'`.
   * @default 'POSIX'
   */
  remoteShell?: string | Quoter;
  /**
   * Encoding of command arguments and of text output, unless the two below say otherwise (Net::OpenSSH's
   * default_encoding).
   * @default 'utf8'
   */
  defaultEncoding?: string;
  /** Encoding that turns command arguments into bytes (`'utf8'`, `'latin1'`, ...). @default defaultEncoding */
  defaultArgumentEncoding?: string;
  /** Encoding for text output (capture, captureLines, capture2 and the text Observables). @default defaultEncoding */
  defaultStreamEncoding?: string;
  /**
   * End a timed-out command (mux: a signal, then the channel is closed; spawn: the slave is killed). `false` keeps
   * Net::OpenSSH's behaviour for the Promise methods (the command is left running; the call still rejects). An
   * Observable always ends its command: one that errored holds nothing. @default true
   */
  killSshOnTimeout?: boolean;
  /** Send the master's stdout to /dev/null. @default true (the master never writes to it with -N) */
  masterStdoutDiscard?: boolean;
  /** Send the master's stderr to /dev/null instead of keeping it for error messages. @default false */
  masterStderrDiscard?: boolean;
  /**
   * Engine for commands: `'spawn'` (one `ssh -S` per operation), `'mux'` (the control socket, no process), `'auto'`.
   * @default 'auto'; `'spawn'` with `persist` (a master shared by several processes must survive a refused session: see
   * the README)
   */
  engine?: EngineName;
  /**
   * Let the mux engine carry tunnels too (direct-tcpip / direct-streamlocal in proxy mode). A refused tunnel retires
   * its control socket (OpenSSH 9.2 keeps a dangling channel), so the default is `ssh -W` through the spawn engine.
   * @default false
   */
  muxTunnels?: boolean;
  /**
   * Prestarted shells: the mux engine's pipelining (as Ansible's `pipelining`), off unless set. The warm session
   * opened ahead of the next command already runs the login shell, which prints a marker, reads one command line
   * on its stdin and evaluates it: a command then costs neither the exec request's round trip nor sshd's fork and
   * the shell's start (about 0.65 ms per command, measured with a plain sh as the login shell). Only where that is
   * the same as sshd's own `$SHELL -c command`: a plain POSIX sh such as dash as the login shell (`remoteShell`
   * POSIX; under bash, zsh, ksh, csh or fish prestarting stops after one try) and a one-line exec without `env`
   * or a pty (other calls are plain execs). What differs: the shell's own error messages say `eval:`
   * (`sh: 1: eval: x: not found`), `ps` on the server shows the marker script as the shell's command line, and an
   * sshd at `LogLevel DEBUG` logs the script, not the command. See src/core/engines/mux/prestart.ts.
   * @default false
   */
  muxPrestart?: boolean;
  /**
   * Sessions the server allows per connection (sshd MaxSessions); both engines keep one fewer open at once and queue
   * the rest. Not given, a server known by its version string to lose sessions run together (dropbear) gets one at a
   * time (docs/servers.md). @default 10
   */
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
  /**
   * Password for password/keyboard-interactive login (also `user:password@host`), typed into the master's pty
   * (needs node-pty). Never put in argv, the environment, logs or messages; a second prompt means it was refused.
   */
  password?: string;
  /** Passphrase of `keyPath`, typed into the master's pty (needs node-pty). Cannot be combined with `forwardAgent`. */
  passphrase?: string;
  /**
   * What a password/passphrase prompt looks like: a string the prompt line contains, or a RegExp tested on the
   * output since the last answer. @default the last, unfinished line of output ends in `:` or `?`
   */
  passwordPrompt?: PasswordPrompt;
  /**
   * A custom login dialogue on the master's pty (needs node-pty); see {@link LoginHandler}. Used only without
   * password/passphrase.
   */
  loginHandler?: LoginHandler;
  /**
   * Run the master on a pty even without a secret: host-key questions fail at once with a clear message and
   * `getMasterPtyLog()` shows what ssh said.
   * @default false
   */
  masterPtyForce?: boolean;
  /** Default stdin of every call that gives no stdin option and accepts one (Net::OpenSSH's default_stdin_fh). */
  defaultStdinFh?: Readable | number;
  /** Default stdin file of such calls (default_stdin_file). */
  defaultStdinFile?: string;
  /** Such calls read /dev/null (default_stdin_discard; also what an unredirected stdin is here anyway). */
  defaultStdinDiscard?: boolean;
  /**
   * Default stdout of every call that gives no stdout option and accepts one (system, spawn, openEx...; not capture).
   */
  defaultStdoutFh?: Writable | number;
  /** Default stdout file of such calls (a name or `[flags, name]`). */
  defaultStdoutFile?: string | [string, string];
  /** Such calls discard stdout. */
  defaultStdoutDiscard?: boolean;
  /** Default stderr of every call that gives no stderr option and accepts one. */
  defaultStderrFh?: Writable | number;
  /** Default stderr file of such calls. */
  defaultStderrFile?: string | [string, string];
  /** Such calls discard stderr. */
  defaultStderrDiscard?: boolean;
  /**
   * Accepted for Net::OpenSSH compatibility: the master always runs in its own session and process group here.
   * @default true
   */
  masterSetpgrp?: boolean;
  /** Where the master's stdout goes (a stream or fd); overrides `masterStdoutDiscard`. */
  masterStdoutFh?: Writable | number;
  /** Also write the master's stderr here (a stream or fd); it is still kept for error messages. */
  masterStderrFh?: Writable | number;
  /**
   * Jump hosts or proxies (Net::OpenSSH::Gateway's job): `{ proxy: 'user@jump:port' }` becomes `-J`, see
   * {@link GatewayOptions}.
   */
  gateway?: GatewayOptions;
  /**
   * Keep the master after this object and this process are done (`-o ControlPersist=<seconds>`): seconds, or
   * `'90s'`, `'10m'`, `'1h30m'`... It lives at a control path derived from the connection's options inside
   * `ctlDir`, where the next connection with the same options (from any process) finds and reuses it, and
   * ends once idle that long, or on `terminate()`. See "Persistent masters" in the README. @default false
   */
  persist?: number | string | false;
}

/** Normalised connection settings. */
export interface ConnectionSettings {
  dest: Destination;
  user: string | undefined;
  port: number | undefined;
  /** Held in a Secret: it never prints. */
  password: Secret | undefined;
  passphrase: Secret | undefined;
  passwordPrompt: PasswordPrompt | undefined;
  loginHandler: LoginHandler | undefined;
  masterPtyForce: boolean;
  masterStdoutFh: Writable | number | undefined;
  masterStderrFh: Writable | number | undefined;
  /** `-J hops` or `-o ProxyCommand=...` from `gateway`. */
  gatewayArgs: string[];
  /** ControlPersist seconds of a persistent master, or undefined. */
  persist: number | undefined;
  keyPath: string | undefined;
  batchMode: boolean;
  timeout: number | undefined;
  ctlDir: string | undefined;
  ctlPath: string | undefined;
  sshCmd: string;
  /** Tool binaries (scp, rsync, sshfs, sftp-server) given to the constructor; the call's own option wins. */
  toolCmds: ToolCmds;
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
  muxPrestart: boolean;
  maxSessions: number;
  /** Whether `maxSessions` was given (it then wins over what the server's version implies). */
  maxSessionsGiven: boolean;
  forwardAgent: boolean | 'always';
  forwardX11: boolean;
  proxyCommand: string | undefined;
  expandVars: boolean;
  vars: Record<string, string>;
  /** The encoding for text output (capture and friends). */
  streamEncoding: string;
  /** The default* stdio options, as per-call options. */
  stdDefaults: StdDefaults;
}

/** The binaries of the local (and, for sshfsExport, remote) tools that ride on the master. */
export interface ToolCmds {
  scp: string;
  rsync: string;
  sshfs: string;
  sftpServer: string | undefined;
}

const KNOWN = new Set([
  'host',
  'user',
  'port',
  'keyPath',
  'batchMode',
  'timeout',
  'ctlDir',
  'ctlPath',
  'sshCmd',
  'scpCmd',
  'rsyncCmd',
  'sshfsCmd',
  'sftpServerCmd',
  'masterOpts',
  'defaultSshOpts',
  'strictMode',
  'async',
  'connect',
  'externalMaster',
  'remoteShell',
  'killSshOnTimeout',
  'masterStdoutDiscard',
  'masterStderrDiscard',
  'engine',
  'muxTunnels',
  'muxPrestart',
  'maxSessions',
  'forwardAgent',
  'forwardX11',
  'proxyCommand',
  'expandVars',
  'vars',
  'defaultEncoding',
  'defaultArgumentEncoding',
  'defaultStreamEncoding',
  ...Object.keys(STD_DEFAULT_OPTIONS),
  'password',
  'passphrase',
  'passwordPrompt',
  'loginHandler',
  'masterPtyForce',
  'masterSetpgrp',
  'masterStdoutFh',
  'masterStderrFh',
  'gateway',
  'persist',
]);

/** parseDestination whose error messages show `user:[secret]@host` instead of a password. */
const parseSecretDestination = (raw: unknown): Destination => {
  try {
    return parseDestination(raw);
  } catch (e) {
    const text = typeof raw === 'string' ? raw : '';
    const at = text.lastIndexOf('@');
    const colon = text.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) throw e;
    parseDestination(`${text.slice(0, colon)}:[secret]${text.slice(at)}`); // throws the same complaint, redacted
    throw invalidArgument('the destination is malformed (its password is not shown)');
  }
};

/** A secret option: a string without line breaks (a newline would end the answer early). Never echoed in messages. */
const secretOption = (name: string, v: unknown): Secret | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidArgument(`Expected \`${name}\` to be a string (its value is not shown)`);
  if (/[\r\n\0]/.test(v))
    throw invalidArgument(`\`${name}\` must not contain a line break or a NUL byte (its value is not shown)`);
  return new Secret(v);
};

const isOutputHandle = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
  (typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function');

/** Validates the destination and options and applies every default. Throws OSSH_INVALID_ARGUMENT. */
export const normalizeCtorOptions = (destination: unknown, raw: unknown): ConnectionSettings => {
  const o = pickKnown<OpenSSHOptions & { host?: string }>(raw, KNOWN, 'OpenSSH constructor');
  const dest = parseSecretDestination(destination ?? o.host);
  const {
    batchMode = false,
    strictMode = true,
    async = false,
    connect = true,
    externalMaster = false,
    remoteShell = 'POSIX',
    killSshOnTimeout = true,
    masterStdoutDiscard = true,
    masterStderrDiscard = false,
    engine = 'auto',
    maxSessions = 10,
    muxTunnels = false,
    muxPrestart = false,
    forwardAgent = false,
    forwardX11 = false,
    expandVars = false,
    vars = {},
    sshCmd = 'ssh',
  } = o;
  for (const k of [
    'batchMode',
    'strictMode',
    'async',
    'connect',
    'externalMaster',
    'killSshOnTimeout',
    'masterStdoutDiscard',
    'masterStderrDiscard',
    'forwardX11',
    'expandVars',
    'muxTunnels',
    'muxPrestart',
    'masterPtyForce',
    'masterSetpgrp',
  ] as const)
    assertBoolean(k, o[k]);
  if (
    o.passwordPrompt !== undefined &&
    !(typeof o.passwordPrompt === 'string' && o.passwordPrompt !== '') &&
    !(o.passwordPrompt instanceof RegExp)
  )
    throw invalidArgument('Expected `passwordPrompt` to be a non-empty string or a RegExp', o.passwordPrompt);
  if (o.loginHandler !== undefined && typeof o.loginHandler !== 'function')
    throw invalidArgument('Expected `loginHandler` to be a function', o.loginHandler);
  for (const k of ['masterStdoutFh', 'masterStderrFh'] as const)
    if (o[k] !== undefined && !isOutputHandle(o[k]))
      throw invalidArgument(`Expected \`${k}\` to be a Writable stream or a file descriptor`, o[k]);
  if (o.passphrase !== undefined && forwardAgent)
    throw invalidArgument(
      '`passphrase` cannot be combined with `forwardAgent` (the agent is not used for a passphrase login)',
    );
  const gateway = gatewayArgs(o.gateway);
  if (gateway.length && o.proxyCommand !== undefined)
    throw invalidArgument('give either `gateway` or `proxyCommand`, not both');
  if (forwardAgent !== 'always') assertBoolean('forwardAgent', forwardAgent);
  assertOneOf('engine', engine, ['auto', 'mux', 'spawn'] as const);
  assertPositiveInt('maxSessions', maxSessions);
  assertString('sshCmd', sshCmd);
  const quoter = quoting(dest.host, () => getQuoter(remoteShell as string | Quoter));
  if (
    typeof vars !== 'object' ||
    vars === null ||
    Object.values(vars).some((v) => typeof v !== 'string' && typeof v !== 'number')
  )
    throw invalidArgument('Expected `vars` to be an object of strings or numbers', vars);
  const encoding = checkArgumentEncoding('defaultEncoding', o.defaultEncoding) ?? 'utf8';
  // checked even when the destination names its own (which wins): a wrong option is a mistake either way
  const optUser = o.user === undefined ? undefined : checkUser(assertString('user', o.user)!);
  const optPort = o.port === undefined ? undefined : checkPort(o.port);
  const user = dest.user ?? optUser;
  const port = dest.port ?? optPort;
  if (externalMaster && o.ctlPath === undefined) throw invalidArgument('`externalMaster` is set but `ctlPath` is not');
  const persist = parsePersist(o.persist);
  if (persist !== undefined && externalMaster)
    throw invalidArgument('give either `persist` or `externalMaster`, not both');
  return {
    dest: { ...dest, password: undefined }, // the password lives in its Secret only
    user,
    port,
    password: secretOption('password', dest.password ?? o.password),
    passphrase: secretOption('passphrase', o.passphrase),
    passwordPrompt: o.passwordPrompt,
    loginHandler: o.loginHandler,
    masterPtyForce: o.masterPtyForce ?? false,
    masterStdoutFh: o.masterStdoutFh,
    masterStderrFh: o.masterStderrFh,
    gatewayArgs: gateway,
    persist,
    keyPath: checkSshPath('keyPath', assertString('keyPath', o.keyPath), true),
    batchMode,
    timeout: assertSeconds('timeout', o.timeout),
    ctlDir: checkSshPath('ctlDir', assertString('ctlDir', o.ctlDir)),
    ctlPath: checkSshPath('ctlPath', assertString('ctlPath', o.ctlPath)),
    sshCmd,
    toolCmds: {
      scp: assertString('scpCmd', o.scpCmd) ?? (/(^|\/)ssh$/.test(sshCmd) ? sshCmd.replace(/ssh$/, 'scp') : 'scp'),
      rsync: assertString('rsyncCmd', o.rsyncCmd) ?? 'rsync',
      sshfs: assertString('sshfsCmd', o.sshfsCmd) ?? 'sshfs',
      sftpServer: assertString('sftpServerCmd', o.sftpServerCmd),
    },
    // the master and its slaves must stay on the control socket this object chose
    masterOpts: [...checkSshOpts(assertArgList('masterOpts', o.masterOpts) ?? [], 'masterOpts')],
    defaultSshOpts: [...checkSshOpts(assertArgList('defaultSshOpts', o.defaultSshOpts) ?? [], 'defaultSshOpts')],
    strictMode,
    async,
    connect,
    externalMaster,
    remoteShell: quoter,
    argumentEncoding: checkArgumentEncoding('defaultArgumentEncoding', o.defaultArgumentEncoding) ?? encoding,
    streamEncoding: checkStreamEncoding('defaultStreamEncoding', o.defaultStreamEncoding) ?? encoding,
    stdDefaults: stdDefaults(o as Record<string, unknown>),
    killSshOnTimeout,
    masterStdoutDiscard,
    masterStderrDiscard,
    engine: o.engine === undefined && persist !== undefined ? 'spawn' : engine,
    muxTunnels,
    muxPrestart,
    maxSessions,
    maxSessionsGiven: o.maxSessions !== undefined,
    forwardAgent,
    forwardX11,
    proxyCommand: assertString('proxyCommand', o.proxyCommand),
    expandVars,
    vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
  };
};
