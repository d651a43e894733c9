// Where a persistent master lives: a control path derived from everything that changes the connection,
// so that the same options find the same master from any process, and different ones never share it.
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConnectionSettings } from '../options';

/** File names of persistent control sockets inside ctlDir: `p-` and 24 hex digits (96 bits of a SHA-256). */
export const PERSISTENT_NAME = /^p-[0-9a-f]{24}$/;

/** The settings that decide which connection a master is; secrets, timeouts and slave options are left out. */
export type PersistKeySettings = Pick<
  ConnectionSettings,
  | 'sshCmd'
  | 'dest'
  | 'user'
  | 'port'
  | 'keyPath'
  | 'masterOpts'
  | 'gatewayArgs'
  | 'proxyCommand'
  | 'forwardAgent'
  | 'forwardX11'
>;

/**
 * The key file as ssh will open it, the same from any working directory: ssh reads a leading `~/` as the home
 * directory of the local account (from the password database, as `userInfo()` gives it), `~user/` as that user's;
 * other relative paths are relative to the working directory.
 */
const keyFile = (keyPath: string): string => {
  if (keyPath === '~' || keyPath.startsWith('~/')) return join(userInfo().homedir, keyPath.slice(1));
  return keyPath.startsWith('~') ? keyPath : resolve(keyPath);
};

/**
 * The identity of a connection as a stable string. In: the ssh binary, host, user, port, key file (made
 * absolute: keyFile), masterOpts (an `-F config` is taken by its path, not its content), gateway/proxyCommand,
 * agent and X11 forwarding. Out: password/passphrase (never hashed), timeout, batchMode, defaultSshOpts and the persist
 * duration itself (a master started with another duration is still the same connection).
 */
export const persistKey = (s: PersistKeySettings): string =>
  JSON.stringify([
    'net-openssh-persist-1',
    s.sshCmd,
    s.dest.host,
    s.user ?? null,
    s.port ?? null,
    s.keyPath === undefined ? null : keyFile(s.keyPath),
    s.masterOpts,
    s.gatewayArgs,
    s.proxyCommand ?? null,
    s.forwardAgent !== false,
    s.forwardX11,
  ]);

/** The persistent control path for these settings inside `ctlDir`. */
export const persistentCtlPath = (ctlDir: string, s: PersistKeySettings): string =>
  join(resolve(ctlDir), `p-${createHash('sha256').update(persistKey(s)).digest('hex').slice(0, 24)}`);
