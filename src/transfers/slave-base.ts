// What every local tool that rides on the master (scp, rsync, sshfs, ssh -O, ssh -W) needs to know about the
// connection: the slave command as parts, which the connection builds with slave-args.ts (the one place for
// sshCmd, defaultSshOpts, the guard and the destination), and the master's error when a tool failed.
import type { ConnIdentity, ConnMaster } from '../conn';
import { masterGone, type OpenSSHError } from '../core/errors';
import type { SlaveCommand } from '../core/slave-args';

/** The connection as a slave process sees it (see {@link SlaveCommand}). */
export type SlaveBase = SlaveCommand;

type Watched = Pick<ConnMaster, 'state'> & Pick<ConnIdentity, 'getHost'>;

/** The master's error when it is gone (so a failed tool reports the real cause), else undefined. */
export const masterFailure = (ssh: Watched): OpenSSHError | undefined => {
  const st = ssh.state;
  if (st.name === 'failed') return st.error;
  return st.name === 'stopped' ? masterGone(ssh.getHost(), 'the master connection stopped') : undefined;
};
