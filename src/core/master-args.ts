// Pure: connection settings -> the master's argv. Nothing is ever joined into a local shell string.
import type { ConnectionSettings } from './options';
import { versionLogArgs } from './server-version';
import { sshControlPath, sshIdentityFile } from './ssh-path';

/** ssh arguments naming the destination, always ending `-- host` so a host can never read as an option. */
export const destinationArgs = (s: Pick<ConnectionSettings, 'user' | 'port' | 'dest'>): string[] => [
  ...(s.user !== undefined ? ['-l', s.user] : []),
  ...(s.port !== undefined ? ['-p', String(s.port)] : []),
  '--',
  s.dest.host,
];

/** Net::OpenSSH's ServerAliveInterval: a third of the timeout (30 s without one). */
export const serverAliveInterval = (timeout: number | undefined): number => Math.floor(((timeout ?? 90) + 2) / 3);

/**
 * argv (without the binary) for `ssh -M -N -S <ctl>`. Invariants, as in Net::OpenSSH:
 * - the user's masterOpts come first, because ssh keeps the first value of each `-o`, so they win;
 * - BatchMode=yes only for batchMode without a password or passphrase (those are answered on a pty);
 * - keyPath implies IdentitiesOnly=yes, so an agent full of keys cannot exhaust MaxAuthTries first;
 * - paths reach ssh escaped (ssh-path.ts), so ssh's `%` tokens cannot move the socket or the key elsewhere;
 * - ControlPersist=no: the master is ours and ends with us, unless disowned; `persist` sets it to that many
 *   seconds instead (ssh then moves the master into the background once it listens, and exits 0);
 * - SendEnv=*: OpenSSH's mux passes a `ssh -S` client's environment (what the client's own SendEnv and SetEnv
 *   select, e.g. per-call `env` on the spawn engine) through the master's SendEnv filter as well. The master
 *   opens no session of its own (-N), so this sends nothing by itself: the client's filter is the one that
 *   applies, as with a plain `ssh`, and the server's AcceptEnv has the last word;
 * - `learnVersion` (a master whose stderr we read, not on a pty): after the user's masterOpts, what makes ssh log the
 *   server's version string (`LogVerbose` for that one line when the ssh takes it, `logVerbose`; else
 *   LogLevel=DEBUG1); server-version.ts takes the added lines out again.
 */
export const masterArgs = (
  s: ConnectionSettings,
  ctlPath: string,
  learnVersion = false,
  logVerbose = false,
): string[] => {
  const args = [...s.masterOpts, ...(learnVersion ? versionLogArgs(s.masterOpts, logVerbose) : [])];
  args.push(
    '-o',
    `ServerAliveInterval=${serverAliveInterval(s.timeout)}`,
    '-o',
    `ControlPersist=${s.persist ?? 'no'}`,
    '-o',
    'SendEnv=*',
  );
  args.push(`-MN${s.forwardAgent ? 'A' : 'a'}${s.forwardX11 ? 'X' : 'x'}`);
  const secret = s.password !== undefined || s.passphrase !== undefined;
  if (secret) args.push('-o', 'NumberOfPasswordPrompts=1');
  if (s.batchMode && !secret) args.push('-o', 'BatchMode=yes');
  if (s.keyPath !== undefined && s.password === undefined)
    args.push('-o', sshIdentityFile(s.keyPath), '-o', 'IdentitiesOnly=yes');
  if (s.proxyCommand !== undefined) args.push('-o', `ProxyCommand=${s.proxyCommand}`);
  args.push(...s.gatewayArgs);
  if (s.password !== undefined) args.push('-o', 'PreferredAuthentications=keyboard-interactive,password');
  else if (s.keyPath !== undefined || s.passphrase !== undefined) args.push('-o', 'PreferredAuthentications=publickey');
  args.push('-S', sshControlPath(ctlPath), ...destinationArgs(s));
  return args;
};

/** argv for a control command (`ssh -O check|exit|stop`) against the master at ctlPath. */
export const controlArgs = (s: ConnectionSettings, ctlPath: string, command: 'check' | 'exit' | 'stop'): string[] => [
  ...s.defaultSshOpts,
  '-O',
  command,
  '-T',
  '-S',
  sshControlPath(ctlPath),
  ...destinationArgs(s),
];
