// What every local tool that rides on the master (scp, rsync, sshfs, ssh -O, ssh -W) needs to know about
// the connection, taken from the connection's own slave argv so the rules live in one place (slave-args.ts).
import type { OpenSSH } from '../openssh';
import { invalidArgument, masterGone } from '../core/errors';

/** The connection as a slave process sees it. */
export interface SlaveBase {
  /** The host, for messages and for `host:path` specs. */
  readonly host: string;
  /** The host with IPv6 brackets, for `host:path` specs. */
  readonly hostSquared: string;
  readonly user: string | undefined;
  readonly port: number | undefined;
  /** The master's control socket. */
  readonly ctlPath: string;
  /** The ssh binary (`sshCmd`). */
  readonly sshCmd: string;
  /** The ssh options of this call: the call's `sshOpts`, else the connection's `defaultSshOpts` (plus its flag cluster). */
  readonly sshOpts: readonly string[];
  /**
   * The complete `ssh` argv up to, not including, the destination host: binary, options, `-S <ctl>`, the
   * slave guard (`ControlMaster=no`, `ProxyCommand=false`), `-l user`, `-p port`. Tools that append the host
   * themselves (rsync, sshfs) use it.
   */
  readonly sshArgvNoHost: readonly string[];
  /** The destination part of the slave argv: `['-l', user, '-p', port, '--', host]` (as the spawn engine takes it). */
  readonly destinationArgs: readonly string[];
}

const GUARD_TAIL = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];

// The connection's slave argv is public (makeRemoteCommand, Net::OpenSSH's make_remote_command): reading
// it back keeps sshCmd, defaultSshOpts, the guard and the destination rules in slave-args.ts alone.
/** Waits for the master and describes the connection for a slave tool; `sshOpts` replaces the default ssh options. */
export const slaveBase = async (ssh: OpenSSH, sshOpts?: readonly string[]): Promise<SlaveBase> => {
  const argv = await ssh.makeRemoteCommand(sshOpts === undefined ? {} : { sshOpts: [...sshOpts] }, 'true');
  const ctlPath = ssh.getCtlPath();
  if (ctlPath === undefined) throw masterGone(ssh.getHost(), 'the master has no control socket');
  const at = argv.findIndex((a, i) => a === '-S' && argv[i + 1] === ctlPath && GUARD_TAIL.every((g, j) => argv[i + 2 + j] === g));
  const dashes = argv.lastIndexOf('--');
  if (at < 1 || dashes < at) throw invalidArgument(`internal error: unexpected slave argv shape for ${ssh.getHost()}`);
  const host = ssh.getHost();
  return {
    host,
    hostSquared: host.includes(':') ? `[${host}]` : host,
    user: ssh.getUser(),
    port: ssh.getPort(),
    ctlPath,
    sshCmd: argv[0]!,
    sshOpts: argv.slice(1, at),
    sshArgvNoHost: argv.slice(0, dashes),
    destinationArgs: argv.slice(at + 2 + GUARD_TAIL.length, dashes + 2),
  };
};

/** The master's error when it is gone (so a failed tool reports the real cause), else undefined. */
export const masterFailure = (ssh: OpenSSH) => {
  const st = ssh.state;
  return st.name === 'failed' ? st.error : st.name === 'stopped' ? masterGone(ssh.getHost(), 'the master connection stopped') : undefined;
};
