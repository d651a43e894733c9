// openTunnel / captureTunnel: a byte stream to a TCP port or Unix socket on the remote side, through the master.
// TCP goes through `ssh -W host:port` (the spawn engine's tunnel request). Unix sockets cannot: OpenSSH 9.2's
// `ssh -W /path` silently ignores the path and opens a login shell instead (measured), so they go through a
// short-lived `-O forward -L <private local socket>:<remote socket>` on the master (see socket-tunnel.ts).
import type { TunnelConnection } from '../conn';
import { effectiveTimeout } from '../conn';
import { createSpawnEngine } from '../core/engines/spawn/engine';
import { OpenSSHError, slaveTimeout } from '../core/errors';
import { TailSink, discardSink, optionSink, teeSink } from '../core/output-sink';
import { masterFailure } from '../transfers/slave-base';
import { ConnectWatch, isVerbose } from './connect-watch';
import { openSocketTunnel } from './socket-tunnel';
import { channelDuplex } from './channel-duplex';
import { tunnelFailed, tunnelTimeout, type Tunnel } from './tunnel-handle';
import {
  checkTarget,
  checkTunnelOptions,
  type CaptureTunnelOptions,
  type NormalTunnelOptions,
  type TunnelOptions,
} from './tunnel-options';

const openTcpTunnel = async (
  ssh: TunnelConnection,
  o: NormalTunnelOptions,
  target: { host: string; port: number },
): Promise<Tunnel> => {
  const base = await ssh.slaveCommand(o.sshOpts);
  const host = ssh.getHost();
  // the connect phase is bounded only while a timeout is in force: then the slave runs with -v (connect-watch.ts)
  const timeout = effectiveTimeout(o.timeout, ssh.timeout);
  const verbose = isVerbose(base.sshOpts);
  const engine = createSpawnEngine({
    ctlPath: base.ctlPath,
    host,
    sshCmd: base.sshCmd,
    destinationArgs: base.destinationArgs,
    defaultSshOpts: timeout !== undefined && !verbose ? [...base.sshOpts, '-v'] : base.sshOpts,
    maxSessions: 10,
    masterError: () => masterFailure(ssh),
  });
  const ch = engine.open({ kind: 'tunnel', tunnel: target, stdin: 'pipe' });
  const tail = new TailSink();
  const errSink = teeSink(
    optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? discardSink(),
    tail,
  );
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  if (timeout === undefined) ch.stderr.on('data', (c: Buffer) => errSink.write(c));
  else {
    timer = setTimeout(() => {
      timedOut = true;
      ch.close();
      // the master keeps the slave's stdio (passed to it) until the target's connect gives up, minutes later
      // for a silent one: our ends are let go of now, so the tunnel settles
      for (const s of [ch.stdout, ch.stderr, ch.stdin]) s.destroy();
    }, timeout * 1000);
    timer.unref(); // the slave process is what keeps a tunnel alive
    const watch = new ConnectWatch(
      !verbose,
      () => clearTimeout(timer),
      (c) => errSink.write(c),
    );
    ch.stderr.on('data', (c: Buffer) => watch.push(c));
    ch.stderr.once('end', () => watch.end());
    ch.stdout.once('data', () => watch.open());
  }
  const socket = channelDuplex(ch.stdout, ch.stdin);
  let closing = false;
  const closed = ch.exit.then(
    async (st) => {
      clearTimeout(timer);
      await errSink.end().catch(() => {});
      if (timedOut) throw tunnelTimeout(host, target, timeout!);
      if (st.code === 0 || closing) return;
      const said =
        tail.text.trim().split('\n').pop() ||
        `ssh exited with ${st.signal ? `signal ${st.signal}` : `code ${st.code}`}`;
      throw tunnelFailed(host, target, /refused|failed/i.test(said) ? `the server refused it (${said})` : said, {
        exitCode: st.code,
        stderr: tail.text,
      });
    },
    (e: unknown) => {
      clearTimeout(timer);
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
export async function openTunnel(
  ssh: TunnelConnection,
  options: TunnelOptions,
  host: string,
  port: number,
): Promise<Tunnel>;
export async function openTunnel(ssh: TunnelConnection, options: TunnelOptions, socketPath: string): Promise<Tunnel>;
export async function openTunnel(ssh: TunnelConnection, options: TunnelOptions, ...target: unknown[]): Promise<Tunnel> {
  const o = checkTunnelOptions(options, false);
  const t = checkTarget(target);
  return 'path' in t ? openSocketTunnel(ssh, o, t) : openTcpTunnel(ssh, o, t);
}

/**
 * Sends `stdinData` through a tunnel and resolves with everything that came back (Net::OpenSSH's
 * capture_tunnel). Rejects with OSSH_SLAVE_FAILED naming the destination when the tunnel is refused.
 */
export async function captureTunnel(
  ssh: TunnelConnection,
  options: CaptureTunnelOptions,
  host: string,
  port: number,
): Promise<string>;
export async function captureTunnel(
  ssh: TunnelConnection,
  options: CaptureTunnelOptions,
  socketPath: string,
): Promise<string>;
export async function captureTunnel(
  ssh: TunnelConnection,
  options: CaptureTunnelOptions,
  ...target: unknown[]
): Promise<string> {
  const o = checkTunnelOptions(options, true);
  const t = checkTarget(target);
  const tunnel = await ('path' in t ? openSocketTunnel(ssh, o, t) : openTcpTunnel(ssh, o, t));
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = effectiveTimeout(o.timeout, ssh.timeout);
  const arm = () => {
    if (timeout === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      tunnel.close();
      tunnel.socket.destroy();
    }, timeout * 1000);
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
  if (timedOut) throw slaveTimeout(ssh.getHost(), timeout!, true).withOutput(Buffer.concat(chunks).toString());
  return Buffer.concat(chunks).toString();
}
