// openTunnel / captureTunnel: a byte stream to a TCP port or Unix socket on the remote side, through the master.
// TCP goes through `ssh -W host:port` (the spawn engine's tunnel request). Unix sockets cannot: OpenSSH 9.2's
// `ssh -W /path` silently ignores the path and opens a login shell instead (measured), so they go through a
// short-lived `-O forward -L <private local socket>:<remote socket>` on the master (see socket-tunnel.ts).
import type { OpenSSH } from '../openssh';
import { createSpawnEngine } from '../core/engines/spawn/engine';
import { OpenSSHError, slaveTimeout } from '../core/errors';
import { TailSink, discardSink, optionSink, teeSink } from '../core/output-sink';
import { masterFailure, slaveBase } from '../transfers/slave-base';
import { openSocketTunnel } from './socket-tunnel';
import { channelDuplex } from './channel-duplex';
import { tunnelFailed, type Tunnel } from './tunnel-handle';
import { checkTarget, checkTunnelOptions, type CaptureTunnelOptions, type NormalTunnelOptions, type TunnelOptions } from './tunnel-options';

const openTcpTunnel = async (ssh: OpenSSH, o: NormalTunnelOptions, target: { host: string; port: number }): Promise<Tunnel> => {
  const base = await slaveBase(ssh, o.sshOpts);
  const host = ssh.getHost();
  const engine = createSpawnEngine({
    ctlPath: base.ctlPath,
    host,
    sshCmd: base.sshCmd,
    destinationArgs: base.destinationArgs,
    defaultSshOpts: base.sshOpts,
    maxSessions: 10,
    masterError: () => masterFailure(ssh),
  });
  const ch = engine.open({ kind: 'tunnel', tunnel: target, stdin: 'pipe' });
  const tail = new TailSink();
  const errSink = teeSink(optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? discardSink(), tail);
  ch.stderr.on('data', (c: Buffer) => errSink.write(c));
  const socket = channelDuplex(ch.stdout, ch.stdin);
  let closing = false;
  const closed = ch.exit.then(
    async (st) => {
      await errSink.end().catch(() => {});
      if (st.code === 0 || closing) return;
      const said = tail.text.trim().split('\n').pop() || `ssh exited with ${st.signal ? `signal ${st.signal}` : `code ${st.code}`}`;
      throw tunnelFailed(host, target, /refused|failed/i.test(said) ? `the server refused it (${said})` : said, { exitCode: st.code, stderr: tail.text });
    },
    (e: unknown) => {
      throw e;
    },
  );
  closed.catch((e: unknown) => {
    if (!socket.destroyed) socket.destroy(e as Error);
  });
  return {
    socket,
    pid: ch.pid,
    closed,
    close: () => {
      closing = true;
      ch.close();
      socket.destroy();
    },
  };
};

/**
 * A tunnel through the master to `host:port` as seen from the remote side (`ssh -W`), or to a Unix socket
 * there: `openTunnel(ssh, opts, host, port)` / `openTunnel(ssh, opts, socketPath)`. Resolves once started; a
 * refusal arrives as the socket's 'error' and as the rejection of `closed`. The master survives either way.
 */
export async function openTunnel(ssh: OpenSSH, options: TunnelOptions, host: string, port: number): Promise<Tunnel>;
export async function openTunnel(ssh: OpenSSH, options: TunnelOptions, socketPath: string): Promise<Tunnel>;
export async function openTunnel(ssh: OpenSSH, options: TunnelOptions, ...target: unknown[]): Promise<Tunnel> {
  const o = checkTunnelOptions(options, false);
  const t = checkTarget(target);
  return 'path' in t ? openSocketTunnel(ssh, o, t) : openTcpTunnel(ssh, o, t);
}

/**
 * Sends `stdinData` through a tunnel and resolves with everything that came back (Net::OpenSSH's
 * capture_tunnel). Rejects with OSSH_SLAVE_FAILED naming the destination when the tunnel is refused.
 */
export async function captureTunnel(ssh: OpenSSH, options: CaptureTunnelOptions, host: string, port: number): Promise<string>;
export async function captureTunnel(ssh: OpenSSH, options: CaptureTunnelOptions, socketPath: string): Promise<string>;
export async function captureTunnel(ssh: OpenSSH, options: CaptureTunnelOptions, ...target: unknown[]): Promise<string> {
  const o = checkTunnelOptions(options, true);
  const t = checkTarget(target);
  const tunnel = await ('path' in t ? openSocketTunnel(ssh, o, t) : openTcpTunnel(ssh, o, t));
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const arm = () => {
    if (o.timeout === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      tunnel.close();
      tunnel.socket.destroy();
    }, o.timeout * 1000);
  };
  const s = tunnel.socket;
  s.on('error', () => {}); // reported through `closed`
  const ended = new Promise<void>((resolve) => s.once('close', resolve));
  s.on('data', (c: Buffer) => {
    chunks.push(c);
    arm();
  });
  arm();
  for (const d of o.stdinData) s.write(d);
  if (!o.stdinKeepOpen) s.end();
  try {
    await Promise.all([tunnel.closed, ended]);
  } catch (e) {
    if (!timedOut) throw e instanceof OpenSSHError ? e.withOutput(Buffer.concat(chunks).toString()) : e;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw slaveTimeout(ssh.getHost(), o.timeout!, true).withOutput(Buffer.concat(chunks).toString());
  return Buffer.concat(chunks).toString();
}
