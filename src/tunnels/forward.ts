// Port forwarding on a running master: `ssh -S <ctl> -O forward|cancel -L|-R|-D <spec>`. The master keeps
// the listener; these calls only ask it to add or drop one, and report the port it allocated for `-R 0:...`.
import { type AddressInfo, createServer } from 'node:net';
import type { TunnelConnection } from '../conn';
import { OpenSSHError, invalidArgument } from '../core/errors';
import { hold } from '../core/keep-alive';
import { runLocal } from '../core/run-local';

/** Where a forward listens: a port (on the loopback by default), an address and port, or a Unix socket path. */
export type ForwardListen =
  | number
  | {
      /** Address to bind. */
      host?: string;
      /** Port to listen on. */
      port: number;
    }
  | {
      /** Unix socket path to listen on. */
      path: string;
    };
/** Where a forward connects to: a host and port, or a Unix socket path (seen from the other side). */
export type ForwardTarget =
  | {
      /** Host to connect to. */
      host: string;
      /** Its port. */
      port: number;
    }
  | {
      /** Unix socket path to connect to. */
      path: string;
    };

/**
 * A forward to add: local (`-L`), remote (`-R`) or dynamic SOCKS (`-D`). Port 0 picks a free port: the server
 * allocates a remote one; for a local or dynamic one (ssh refuses port 0 there) a port free on the listen address
 * is chosen here and tried, up to 5 times should another process take it first. `forward.port` reports it.
 */
export type ForwardSpec =
  | {
      /** Listen here (`-L`). */
      local: ForwardListen;
      /** Connect there, from the remote side. */
      to: ForwardTarget;
    }
  | {
      /** Listen on the remote side (`-R`). */
      remote: ForwardListen;
      /** Connect there, from this side. */
      to: ForwardTarget;
    }
  | {
      /** A SOCKS proxy listening here (`-D`). */
      dynamic: ForwardListen;
    };

/** A forward the master is running. */
export interface Forward {
  /** `-L`, `-R` or `-D`. */
  readonly kind: 'local' | 'remote' | 'dynamic';
  /** The ssh forwarding specification, as given to `-L`/`-R`/`-D`. */
  readonly spec: string;
  /** The listening port: the one given, or the one allocated for port 0. */
  readonly port: number | undefined;
  /**
   * Asks the master to drop the forward (`ssh -O cancel`). Existing connections stay up. Until then, or until the
   * master ends, the forward keeps the process alive (the master that serves it ends with the process).
   */
  cancel(): Promise<void>;
}

/** Options for addForward. */
export interface ForwardOptions {
  /** ssh options for the control command, replacing the connection's `defaultSshOpts`. */
  sshOpts?: string[];
}

const hostPart = (h: string): string => {
  if (!/^[\w.-]+$|^[0-9a-fA-F:.]+$|^\*$/.test(h) || h.startsWith('-'))
    throw invalidArgument('Expected a forward host to be a host name, an IP address or *', h);
  return h.includes(':') ? `[${h}]` : h;
};
const portPart = (p: unknown, allowZero: boolean): string => {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < (allowZero ? 0 : 1) || p > 65535)
    throw invalidArgument(`Expected a forward port to be ${allowZero ? 0 : 1}..65535`, p);
  return String(p);
};
const pathPart = (p: unknown): string => {
  if (typeof p !== 'string' || p === '' || /[:\s\0]/.test(p))
    throw invalidArgument('Expected a forward socket path without colons or white space', p);
  return p;
};
const listenPart = (l: ForwardListen, allowZero: boolean): string =>
  typeof l === 'number'
    ? portPart(l, allowZero)
    : 'path' in l
      ? pathPart(l.path)
      : `${l.host === undefined ? '' : `${hostPart(l.host)}:`}${portPart(l.port, allowZero)}`;
const targetPart = (t: ForwardTarget): string =>
  'path' in t ? pathPart(t.path) : `${hostPart(t.host)}:${portPart(t.port, false)}`;

/** Pure: the `-L`/`-R`/`-D` flag and specification for `spec`. */
export const forwardSpec = (
  spec: ForwardSpec,
): { kind: Forward['kind']; flag: '-L' | '-R' | '-D'; text: string; port: number | undefined } => {
  const portOf = (l: ForwardListen) => (typeof l === 'number' ? l : 'port' in l ? l.port : undefined);
  if ('local' in spec)
    return {
      kind: 'local',
      flag: '-L',
      text: `${listenPart(spec.local, true)}:${targetPart(spec.to)}`,
      port: portOf(spec.local),
    };
  if ('remote' in spec)
    return {
      kind: 'remote',
      flag: '-R',
      text: `${listenPart(spec.remote, true)}:${targetPart(spec.to)}`,
      port: portOf(spec.remote),
    };
  if ('dynamic' in spec)
    return { kind: 'dynamic', flag: '-D', text: listenPart(spec.dynamic, true), port: portOf(spec.dynamic) };
  throw invalidArgument('Expected a forward spec with `local`, `remote` or `dynamic`', spec);
};

// ssh -O forward/cancel reports some failures only on stderr, with exit code 0 (9.2: "cancel forward request failed")
const FAILED = /failed|bad .*specification|not forwarded|denied|cannot|could not/i;

const control = async (
  ssh: TunnelConnection,
  o: ForwardOptions,
  op: 'forward' | 'cancel',
  flag: string,
  text: string,
): Promise<string> => {
  const base = await ssh.slaveCommand(o.sshOpts);
  const args = [...base.sshArgvNoHost.slice(1), '-O', op, flag, text, '--', base.host];
  const r = await runLocal(base.sshCmd, args);
  const said = r.stderr.trim();
  if (r.error || r.code !== 0 || FAILED.test(said)) {
    const why = r.error?.message ?? (said.split('\n').pop() || `ssh exited with code ${r.code}`);
    throw new OpenSSHError(
      'OSSH_SLAVE_FAILED',
      `${op === 'forward' ? 'adding' : 'cancelling'} forward ${flag} ${text} failed: ${why}`,
      {
        host: base.host,
        exitCode: r.code,
        stderr: said || undefined,
      },
    );
  }
  return r.stdout;
};

/**
 * Adds a forward on the running master: `addForward(ssh, { local: 8080, to: { host: 'db', port: 5432 } })`,
 * `{ remote: 0, to: {...} }` (the allocated port is `forward.port`), `{ dynamic: 1080 }`. Rejects with
 * OSSH_SLAVE_FAILED naming the spec when the master or the server refuses it.
 */
export const addForward = async (
  ssh: TunnelConnection,
  spec: ForwardSpec,
  options: ForwardOptions = {},
): Promise<Forward> => {
  const first = forwardSpec(spec);
  if (first.kind !== 'remote' && first.port === 0) return addOnFreePort(ssh, spec, options);
  return addAs(ssh, first, options);
};

const FREE_PORT_TRIES = 5;

// a local or dynamic forward on port 0: a port free now on the listen address, retried when taken meanwhile
const addOnFreePort = async (ssh: TunnelConnection, spec: ForwardSpec, options: ForwardOptions): Promise<Forward> => {
  const listen = 'local' in spec ? spec.local : (spec as { dynamic: ForwardListen }).dynamic;
  const host = typeof listen === 'object' && 'host' in listen ? listen.host : undefined;
  const withPort = (port: number): ForwardListen => (host === undefined ? port : { host, port });
  for (let tries = 1; ; tries++) {
    const port = await freePort(host);
    const next: ForwardSpec = 'local' in spec ? { local: withPort(port), to: spec.to } : { dynamic: withPort(port) };
    try {
      return await addAs(ssh, forwardSpec(next), options);
    } catch (e) {
      if (tries >= FREE_PORT_TRIES || ssh.state.name !== 'running') throw e;
    }
  }
};

// ssh's default bind address for a forward without one is the loopback; `*` means every address
const freePort = (host: string | undefined): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    const address = host === undefined || host === 'localhost' ? '127.0.0.1' : host === '*' ? '0.0.0.0' : host;
    server.listen(0, address, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const addAs = async (
  ssh: TunnelConnection,
  { kind, flag, text, port }: ReturnType<typeof forwardSpec>,
  options: ForwardOptions,
): Promise<Forward> => {
  const out = await control(ssh, options, 'forward', flag, text);
  let actual = port;
  if (kind === 'remote' && port === 0) {
    const m = /^(\d+)\s*$/m.exec(out);
    if (!m)
      throw new OpenSSHError('OSSH_SLAVE_FAILED', `adding forward -R ${text}: ssh did not report the allocated port`, {
        host: ssh.getHost(),
      });
    actual = Number(m[1]);
  }
  // the master files a port-0 forward under the spec as given (0), so it is cancelled by that spec (measured)
  let cancelled: Promise<void> | undefined;
  const letGo = hold();
  let watch: { unsubscribe(): void } | undefined;
  const release = () => {
    letGo();
    watch?.unsubscribe();
  };
  watch = ssh.state$.subscribe((st) => st.name !== 'running' && release()); // the master's end drops its forwards
  if (ssh.state.name !== 'running') release();
  return {
    kind,
    spec: text,
    port: actual,
    cancel: () => (cancelled ??= control(ssh, options, 'cancel', flag, text).then(release)),
  };
};
