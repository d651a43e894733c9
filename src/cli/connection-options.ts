// The ssh-level options every command shares (-F, -o, -i, --user, --timeout) as OpenSSH constructor
// options. They reach the master and every tool that rides on it (scp, rsync), as `ssh` would take them.
import type { OpenSSHOptions } from '../core/options';

/** The shared connection options as commander parses them. */
export interface ConnectionFlags {
  /** `--user U`: remote user where the destination names none. */
  user?: string;
  /** `-i key`: private key file. */
  identity?: string;
  /** `-o Option=value`, repeatable: passed to ssh as is. */
  sshOption?: string[];
  /** `-F file`: an ssh_config file in place of ~/.ssh/config. */
  config?: string;
  /** `--timeout S`: seconds to connect, and seconds a host may stay silent before its command is ended. */
  timeout?: number;
}

// A CLI run talks to many hosts at once: nobody could answer a password prompt, so batch mode is always on.
/** Constructor options for every host of a CLI run. */
export const connectionOptions = (f: ConnectionFlags): OpenSSHOptions => {
  const sshArgs = [...(f.config ? ['-F', f.config] : []), ...(f.sshOption ?? []).flatMap((o) => ['-o', o])];
  return {
    batchMode: true,
    ...(f.user !== undefined && { user: f.user }),
    ...(f.identity !== undefined && { keyPath: f.identity }),
    ...(f.timeout !== undefined && { timeout: f.timeout, killSshOnTimeout: true }),
    ...(sshArgs.length > 0 && { masterOpts: sshArgs, defaultSshOpts: sshArgs }),
  };
};
