// One host's file transfer through the tool the user picked (scp, rsync or our SFTP client), each
// riding on the host's master, with progress reported in one shape whatever the tool.
import { statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import type { OpenSSH } from '../../openssh';

/** The tools `put` and `get` can use. */
export const VIAS = ['scp', 'rsync', 'sftp'] as const;
/** A transfer tool. */
export type Via = (typeof VIAS)[number];

/** A progress report: bytes so far, and the whole size when known. */
export interface HostProgress {
  bytes: number;
  total?: number | undefined;
  rate?: number | undefined;
}

/** One host's transfer: what to copy, where, how. */
export interface HostTransfer {
  direction: 'put' | 'get';
  via: Via;
  /** Local files (put) or remote paths (get). */
  sources: readonly string[];
  /** The remote path (put) or this host's local directory (get). */
  target: string;
  recursive: boolean;
  /** Seconds without progress before the transfer fails (scp, rsync). */
  timeout?: number | undefined;
  signal: AbortSignal;
  progress: (p: HostProgress) => void;
}

// The tools write their own chatter to our terminal unless told not to; their stderr still reaches the error.
const QUIET = { stdoutDiscard: true, stderrDiscard: true } as const;

const withSftp = async (ssh: OpenSSH, t: HostTransfer): Promise<number> => {
  const client = await ssh.sftp();
  try {
    const sizes = t.direction === 'put' ? t.sources.map((s) => statSync(s).size) : undefined;
    const total = sizes?.reduce((a, b) => a + b, 0);
    let intoDir = t.direction === 'get' || t.sources.length > 1 || t.target.endsWith('/');
    if (!intoDir)
      intoDir = await client.stat(t.target).then(
        (s) => s.isDirectory(),
        () => false,
      );
    let done = 0;
    for (const src of t.sources) {
      const handle =
        t.direction === 'put'
          ? client.put(src, intoDir ? posix.join(t.target, basename(src)) : t.target, { signal: t.signal })
          : client.get(src, join(t.target, posix.basename(src)), { signal: t.signal });
      const sub = handle.subscribe({
        next: (p) =>
          t.progress({
            bytes: done + p.bytes,
            total: total ?? (t.sources.length === 1 ? p.total : undefined),
            rate: p.rate,
          }),
        error: () => {},
      });
      try {
        done += (await handle).bytes;
      } finally {
        sub.unsubscribe();
      }
    }
    return done;
  } finally {
    await client.end();
  }
};

// Runs the transfer; resolves with the bytes moved (as far as the tool tells), rejects with its OpenSSHError.
/** Copies `t.sources` to `t.target` over `ssh`'s master. */
export const transferOn = async (ssh: OpenSSH, t: HostTransfer): Promise<number> => {
  if (t.via === 'sftp') return withSftp(ssh, t);
  let bytes = 0;
  const progress = (p: HostProgress) => {
    bytes = p.bytes;
    t.progress(p);
  };
  const o = {
    ...QUIET,
    progress,
    signal: t.signal,
    ...(t.recursive && { recursive: true }),
    ...(t.timeout !== undefined && { timeout: t.timeout }),
  };
  const paths = [...t.sources, t.target];
  if (t.via === 'scp') await (t.direction === 'put' ? ssh.scpPut(o, ...paths) : ssh.scpGet(o, ...paths));
  else await (t.direction === 'put' ? ssh.rsyncPut(o, ...paths) : ssh.rsyncGet(o, ...paths));
  return bytes;
};
