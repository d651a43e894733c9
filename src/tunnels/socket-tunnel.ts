// A tunnel to a Unix socket on the remote side. `ssh -W <path>` cannot do it with OpenSSH 9.2 (it drops the
// path and opens a login shell, feeding it our bytes), so the master forwards a private local socket to the
// remote one for just as long as it takes to connect; the established connection outlives the listener.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { effectiveTimeout, type TunnelConnection } from '../conn';
import { masterFailure } from '../transfers/slave-base';
import { addForward } from './forward';
import { tunnelFailed, type Tunnel } from './tunnel-handle';
import type { NormalTunnelOptions } from './tunnel-options';

const connectTo = (path: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });

/** Opens a tunnel to the remote Unix socket `target.path`. */
export const openSocketTunnel = async (
  ssh: TunnelConnection,
  o: NormalTunnelOptions,
  target: { path: string },
): Promise<Tunnel> => {
  const host = ssh.getHost();
  // checked first: a connection the master cannot complete is only closed, without a reason
  const timeout = effectiveTimeout(o.timeout, ssh.timeout);
  if (!(await ssh.test({ sshOpts: o.sshOpts, ...(timeout !== undefined && { timeout }) }, 'test', '-S', target.path)))
    throw tunnelFailed(host, target, 'no such socket on the remote side (or not visible to the remote user)');
  const ctl = ssh.getCtlPath()!;
  // the control directory is private (0700): nobody else can connect to the listener meanwhile
  const local = join(dirname(ctl), `t-${randomBytes(6).toString('hex')}`);
  const fwd = await addForward(ssh, { local: { path: local }, to: target }, { sshOpts: o.sshOpts });
  let socket: Socket;
  try {
    socket = await connectTo(local);
  } catch (e) {
    throw tunnelFailed(host, target, `could not connect to the forwarded socket: ${(e as Error).message}`);
  } finally {
    await fwd.cancel().catch(() => {});
    rmSync(local, { force: true });
  }
  const s = socket;
  s.setNoDelay?.(true);
  const closed = new Promise<void>((resolve, reject) => {
    s.once('close', () => {
      const gone = masterFailure(ssh);
      gone ? reject(gone) : resolve();
    });
  });
  closed.catch(() => {});
  return { socket: s, pid: undefined, closed, close: () => s.destroy() };
};
