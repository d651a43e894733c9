// Options of openTunnel / captureTunnel (Net::OpenSSH's open_tunnel / capture_tunnel), and their checks.
import type { FileSpec, OutputHandle } from '../core/call-options';
import { invalidArgument } from '../core/errors';
import { assertArgList, assertBoolean, assertTimeout, pickKnown } from '../core/validate';

/** Options of openTunnel. */
export interface TunnelOptions {
  /** ssh options for this tunnel's slave, replacing the connection's `defaultSshOpts`. */
  sshOpts?: string[] | string;
  /**
   * Where ssh's own messages go. They are always kept (last 4 KiB) for the error.
   * @default discarded (Net::OpenSSH's default)
   */
  stderrFh?: OutputHandle;
  /** Write ssh's messages to this file (`['a', path]` appends). */
  stderrFile?: FileSpec;
  /** Discard ssh's messages (the default). */
  stderrDiscard?: boolean;
  /**
   * Seconds the tunnel may take to open (the remote side's connect to the target, through the master) before it
   * fails with OSSH_SLAVE_TIMEOUT and is closed; 0 turns it off. A Unix socket tunnel: its remote check.
   * @default the connection's `timeout`
   */
  timeout?: number;
}

/** Options of captureTunnel. */
export interface CaptureTunnelOptions extends TunnelOptions {
  /** Bytes sent through the tunnel (then it is half-closed, unless `stdinKeepOpen`). */
  stdinData?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Keep our side open after `stdinData`, until the far side closes. @default false */
  stdinKeepOpen?: boolean;
  /**
   * Seconds the tunnel may take to open, then seconds without traffic, before failing with OSSH_SLAVE_TIMEOUT (the
   * tunnel is closed; what came is on the error's `stdout`); 0 turns it off. @default the connection's `timeout`
   */
  timeout?: number;
}

const OPEN_KEYS = new Set(['sshOpts', 'stderrFh', 'stderrFile', 'stderrDiscard', 'timeout']);
const CAPTURE_KEYS = new Set([...OPEN_KEYS, 'stdinData', 'stdinKeepOpen']);

export interface NormalTunnelOptions extends Omit<CaptureTunnelOptions, 'sshOpts' | 'stdinData'> {
  sshOpts: string[] | undefined;
  stdinData: Buffer[];
}

/** Validates tunnel options (`capture` allows the capture ones). */
export const checkTunnelOptions = (raw: unknown, capture: boolean): NormalTunnelOptions => {
  const o = pickKnown<CaptureTunnelOptions>(
    raw,
    capture ? CAPTURE_KEYS : OPEN_KEYS,
    capture ? 'captureTunnel' : 'openTunnel',
  ) as CaptureTunnelOptions;
  assertBoolean('stderrDiscard', o.stderrDiscard);
  assertBoolean('stdinKeepOpen', o.stdinKeepOpen);
  assertTimeout('timeout', o.timeout);
  const items = o.stdinData === undefined ? [] : Array.isArray(o.stdinData) ? o.stdinData : [o.stdinData];
  if (items.some((d) => typeof d !== 'string' && !Buffer.isBuffer(d)))
    throw invalidArgument('Expected `stdinData` to be a string, a Buffer, or an array of them', o.stdinData);
  if ([o.stderrFh, o.stderrFile, o.stderrDiscard].filter(Boolean).length > 1)
    throw invalidArgument('conflicting stderr options (give one)');
  return {
    ...o,
    sshOpts: assertArgList('sshOpts', o.sshOpts),
    stdinData: items.map((d) => (typeof d === 'string' ? Buffer.from(d) : d)),
  };
};

/** Where a tunnel goes: a TCP host and port on the remote side, or a Unix socket path there. */
export type TunnelTarget = { host: string; port: number } | { path: string };

/** Checks `(host, port)` or `(socketPath)`. */
export const checkTarget = (args: readonly unknown[]): TunnelTarget => {
  if (args.length === 1 && typeof args[0] === 'string' && args[0] !== '') {
    const path = args[0];
    if (/[\0\n]/.test(path)) throw invalidArgument('a tunnel socket path must not contain NUL or newline');
    return { path };
  }
  if (args.length === 2) {
    const [host, port] = args;
    if (typeof host !== 'string' || !/^[\w.-]+$|^[0-9a-fA-F:.]+$/.test(host) || host.startsWith('-'))
      throw invalidArgument('Expected the tunnel host to be a host name or IP address', host);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw invalidArgument('Expected the tunnel port to be 1..65535', port);
    return { host, port };
  }
  throw invalidArgument('a tunnel takes (host, port) or (socketPath)');
};

/** `host:port` or the socket path, for messages. */
export const showTarget = (t: TunnelTarget): string =>
  'path' in t ? `unix socket ${JSON.stringify(t.path)}` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
