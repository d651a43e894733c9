// put and get on many hosts: the fleet connects (a bounded number at a time), each host whose master
// comes up runs its transfer (a bounded number at once), and every host ends with one result. A host
// that fails is a row of the summary, never the end of the run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defer, from, map, merge, mergeMap, of, takeUntil, fromEvent, type Observable } from 'rxjs';
import type { OpenSSH } from '../../openssh';
import { isOpenSSHError, masterGone, slaveFailed, type OpenSSHError } from '../../core/errors';
import type { FleetHost } from '../../fleet/types';
import type { OpenSSHOptions } from '../../core/options';
import { EXIT } from '../exit-codes';
import { openFleet } from '../open-fleet';
import type { CliIO } from '../io';
import { humanTransferView, jsonTransferView, type TransferView } from '../render/transfer-view';
import type { TransferResult } from '../render/transfer-result';
import { transferOn, type Via } from './transfer-tools';

/** What `put` or `get` was asked to do. */
export interface TransferRequest {
  direction: 'put' | 'get';
  via: Via;
  sources: string[];
  /** put: the remote path; get: the local directory under which each host gets its own directory. */
  target: string;
  recursive: boolean;
  targets: FleetHost[];
  connection: OpenSSHOptions;
  concurrency?: number | undefined;
  json: boolean;
  signal?: AbortSignal | undefined;
}

const DEFAULT_CONCURRENCY = 20;

// get from many hosts: each host's files land in <dir>/<host>/, the host as written on the command line
// with anything but letters, digits and . _ - @ : + replaced by _ (so `[::1]:22` becomes `_::1_:22`).
/** The directory name a host's files get under the `get` target. */
export const hostDirName = (host: string): string => {
  const name = host.replace(/[^A-Za-z0-9._@:+-]/g, '_');
  return name === '.' || name === '..' ? `_${name}` : name;
};

/** Resolves when `ssh`'s master runs (undefined) or with why it will not; never starts it (the fleet does). */
const masterOutcome = (ssh: OpenSSH): Promise<OpenSSHError | undefined> =>
  new Promise((resolve) => {
    const sub = ssh.state$.subscribe((s) => {
      if (s.name === 'running') resolve(undefined);
      else if (s.name === 'failed') resolve(s.error);
      else if (s.name === 'stopping' || s.name === 'stopped')
        resolve(masterGone(ssh.getHost(), 'the connection was closed'));
      else return;
      queueMicrotask(() => sub.unsubscribe());
    });
  });

/** Runs the transfer on every host; resolves with the exit status and every host's result (in host order). */
export const transferOnHosts = async (
  req: TransferRequest,
  io: CliIO,
): Promise<{ status: number; results: TransferResult[] }> => {
  const c = req.concurrency ?? DEFAULT_CONCURRENCY;
  const fl = openFleet(req.targets, req.connection, c);
  try {
    const view: TransferView = req.json ? jsonTransferView(io) : humanTransferView(io, fl.hosts);
    const start = performance.now();
    const signal = req.signal ?? new AbortController().signal;
    const results = new Map<string, TransferResult>();

    const one = async (host: string): Promise<TransferResult> => {
      const ssh = fl.connection(host)!;
      const dir = req.direction === 'get' ? join(req.target, hostDirName(host)) : undefined;
      const t0 = performance.now();
      let bytes = 0;
      try {
        if (dir) mkdirSync(dir, { recursive: true });
        bytes = await transferOn(ssh, {
          direction: req.direction,
          via: req.via,
          sources: req.sources,
          target: dir ?? req.target,
          recursive: req.recursive,
          timeout: req.connection.timeout,
          signal,
          progress: (p) => {
            bytes = p.bytes;
            view.progress(host, p);
          },
        });
        return { host, ok: true, bytes, durationMs: performance.now() - t0, started: true, path: dir };
      } catch (e) {
        // a local file problem (mkdir, stat)
        const error = isOpenSSHError(e) ? e : slaveFailed(ssh.getHost(), (e as Error)?.message ?? String(e), e);
        return {
          host,
          ok: false,
          bytes,
          durationMs: performance.now() - t0,
          started: true,
          path: dir,
          error,
          ...(error.code === 'OSSH_ABORTED' && { interrupted: true as const }),
        };
      }
    };

    const all$: Observable<TransferResult> = merge(
      ...fl.hosts.map((h) => from(masterOutcome(fl.connection(h)!)).pipe(map((error) => ({ h, error })))),
    ).pipe(
      mergeMap(
        ({ h, error }) =>
          error
            ? of<TransferResult>({ host: h, ok: false, bytes: 0, durationMs: 0, started: false, error })
            : defer(() => one(h)),
        c,
      ),
      takeUntil(fromEvent(signal, 'abort')),
    );
    await new Promise<void>((resolve) =>
      all$.subscribe({
        next: (r) => {
          results.set(r.host, r);
          if (!r.interrupted) view.end(r);
        },
        error: () => resolve(),
        complete: () => resolve(),
      }),
    );
    const list = fl.hosts.map(
      (h) =>
        results.get(h) ?? { host: h, ok: false, bytes: 0, durationMs: 0, started: false, interrupted: true as const },
    );
    view.finish(list, performance.now() - start);
    return {
      status: list.some((r) => r.interrupted) ? EXIT.interrupted : list.every((r) => r.ok) ? EXIT.ok : EXIT.hostsFailed,
      results: list,
    };
  } finally {
    await fl.close();
  }
};
