// get / put: whole-file transfers with many requests in flight (the SFTP answer to latency), local
// writes at each reply's offset (replies may come in any order), handles closed on every path out, and
// the partial-file policy applied on failure.
import { open as openLocal, unlink as unlinkLocal, type FileHandle } from 'node:fs/promises';
import { aborted, invalidArgument, type OpenSSHError } from '../core/errors';
import type { SftpHandle, SftpRequests } from './client-surface';
import { ProgressMeter, TransferHandle, type TransferResult } from './progress';
import { localFileError, SftpError } from './sftp-errors';

/** Options of get and put. */
export interface TransferOptions {
  /** Requests in flight at once. @default 64 */
  concurrency?: number | undefined;
  /**
   * Bytes per read/write request.
   * @default the server's limit from limits@openssh.com (OpenSSH: 255 KiB), else 32 KiB
   */
  chunkSize?: number | undefined;
  /** Copy the permission bits and the access/modification times to the target. @default false */
  preserve?: boolean | undefined;
  /** On failure, leave the partial target file in place instead of removing it. @default false */
  keepPartial?: boolean | undefined;
  /**
   * put only: ask the server to flush the file to disk before closing it (fsync@openssh.com, when offered).
   * @default false
   */
  fsync?: boolean | undefined;
  /** Minimum milliseconds between progress events (the final event always comes). @default 100 */
  progressInterval?: number | undefined;
  /** Cancels the transfer (it rejects with OSSH_ABORTED). */
  signal?: AbortSignal | undefined;
}

const DEFAULT_CONCURRENCY = 64;
const FALLBACK_CHUNK = 32 * 1024;
const MAX_CHUNK = 1024 * 1024;

interface Plan {
  concurrency: number;
  chunk: number;
}

const plan = (o: TransferOptions, limit: number | undefined, op: string): Plan => {
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4096)
    throw invalidArgument(`sftp ${op}: concurrency must be an integer 1..4096`, o.concurrency);
  const cap = Math.min(limit || MAX_CHUNK, MAX_CHUNK);
  if (o.chunkSize !== undefined && (!Number.isInteger(o.chunkSize) || o.chunkSize < 1 || o.chunkSize > cap))
    throw invalidArgument(
      `sftp ${op}: chunkSize must be an integer 1..${cap}${limit ? " (the server's limit)" : ''}`,
      o.chunkSize,
    );
  return { concurrency, chunk: o.chunkSize ?? (limit ? cap : FALLBACK_CHUNK) };
};

/** The shared frame of get and put: progress, cancellation, and the handle. */
const start = (
  client: SftpRequests,
  op: string,
  remote: string,
  local: string,
  o: TransferOptions,
  body: (meter: ProgressMeter, cancelled: () => OpenSSHError | undefined) => Promise<void>,
): TransferHandle => {
  const meter = new ProgressMeter(o.progressInterval);
  let cancel: OpenSSHError | undefined;
  const abort = (reason?: unknown) => (cancel ??= aborted(client.host, reason));
  const onAbort = () => abort(o.signal?.reason);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const done = (async (): Promise<TransferResult> => {
    try {
      if (typeof remote !== 'string' || remote === '')
        throw invalidArgument(`sftp ${op}: the remote path must be a non-empty string`, remote);
      if (typeof local !== 'string' || local === '')
        throw invalidArgument(`sftp ${op}: the local path must be a non-empty string`, local);
      await body(meter, () => cancel);
      const rate = meter.finish();
      return { bytes: meter.bytes, elapsed: meter.elapsed(), rate, remote, local };
    } catch (e) {
      meter.fail(e);
      throw e;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  })();
  return new TransferHandle(meter, done, abort);
};

/** Wakes a waiting producer when a request slot frees up. */
class Gate {
  private waiter: (() => void) | undefined;
  wait(): Promise<void> {
    return new Promise((r) => (this.waiter = r));
  }
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

const closeQuietly = async (client: SftpRequests, h: SftpHandle | undefined): Promise<void> => {
  if (h && client.isOpen) await client.close(h).catch(() => {});
};

/**
 * Downloads remote file `remote` to local file `local` (created or truncated). Why: the high-level transfer with
 * progress.
 */
export const get = (client: SftpRequests, remote: string, local: string, o: TransferOptions = {}): TransferHandle =>
  start(client, 'get', remote, local, o, async (meter, cancelled) => {
    const { concurrency, chunk } = plan(o, client.limits?.maxReadLength, 'get');
    const h = await client.open(remote, 'r');
    let fh: FileHandle | undefined;
    let created = false;
    let ok = false;
    try {
      const st = await client.fstat(h);
      if (st.isDirectory())
        throw new SftpError(`sftp get ${JSON.stringify(remote)}: is a directory`, {
          host: client.host,
          op: 'get',
          path: remote,
        });
      try {
        fh = await openLocal(local, 'w', o.preserve && st.permissions !== undefined ? st.permissions : 0o666);
        created = true;
      } catch (e) {
        throw localFileError(client.host, 'get', local, e);
      }
      const total = st.size;
      meter.begin(total);
      const file = fh;
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let eof = Infinity;
        let inflight = 0;
        let failed = false;
        const retries: Array<[number, number]> = [];
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          reject(e);
        };
        const onData = (off: number, len: number, data: Buffer | null) => {
          if (failed) return;
          if (data === null || data.length === 0) {
            eof = Math.min(eof, off);
            inflight--;
            return pump();
          }
          if (data.length < len) retries.push([off + data.length, len - data.length]);
          file.write(data, 0, data.length, off).then(
            () => {
              inflight--;
              meter.add(data.length);
              pump();
            },
            (e) => fail(localFileError(client.host, 'get', local, e)),
          );
        };
        const pump = (): void => {
          if (failed) return;
          const c = cancelled();
          if (c) return fail(c);
          while (inflight < concurrency) {
            let off: number;
            let len: number;
            const retry = retries.shift();
            if (retry) [off, len] = retry;
            else if (next >= eof) break;
            // past the size stat reported: probe one request at a time until EOF (the file may have grown)
            else if (total !== undefined && next >= total && inflight > 0) break;
            else {
              off = next;
              len = total !== undefined && next < total ? Math.min(chunk, total - next) : chunk;
              next += len;
            }
            if (off >= eof) continue;
            inflight++;
            client.read(h, off, len).then((d) => onData(off, len, d), fail);
          }
          if (inflight === 0 && retries.length === 0) resolve();
        };
        pump();
      });
      if (o.preserve && st.atime !== undefined && st.mtime !== undefined) {
        try {
          await fh.utimes(st.atime, st.mtime);
          if (st.permissions !== undefined) await fh.chmod(st.permissions);
        } catch (e) {
          throw localFileError(client.host, 'get', local, e);
        }
      }
      try {
        await fh.close();
        fh = undefined;
      } catch (e) {
        throw localFileError(client.host, 'get', local, e);
      }
      await client.close(h);
      ok = true;
    } finally {
      if (!ok) {
        await closeQuietly(client, h);
        if (fh) await fh.close().catch(() => {});
        if (created && !o.keepPartial) await unlinkLocal(local).catch(() => {});
      }
    }
  });

/**
 * Uploads local file `local` to remote file `remote` (created or truncated). Why: the high-level transfer with
 * progress.
 */
export const put = (client: SftpRequests, local: string, remote: string, o: TransferOptions = {}): TransferHandle =>
  start(client, 'put', remote, local, o, async (meter, cancelled) => {
    const { concurrency, chunk } = plan(o, client.limits?.maxWriteLength, 'put');
    let fh: FileHandle;
    let size: number;
    let mode: number;
    let times: [number, number];
    try {
      fh = await openLocal(local, 'r');
    } catch (e) {
      throw localFileError(client.host, 'put', local, e);
    }
    let h: SftpHandle | undefined;
    let ok = false;
    try {
      try {
        const st = await fh.stat();
        if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        size = st.size;
        mode = st.mode & 0o7777;
        times = [Math.floor(st.atimeMs / 1000), Math.floor(st.mtimeMs / 1000)];
      } catch (e) {
        throw localFileError(client.host, 'put', local, e);
      }
      h = await client.open(remote, 'w', { mode: mode & 0o777 });
      const handle = h;
      meter.begin(size);
      const gate = new Gate();
      let inflight = 0;
      let error: unknown;
      let offset = 0;
      for (;;) {
        const c = cancelled();
        if (c) error ??= c;
        if (error) break;
        if (inflight >= concurrency) {
          await gate.wait();
          continue;
        }
        // the local read goes straight into the WRITE packet, which is sent as soon as the bytes are in
        const at = offset;
        let localError: unknown;
        let sent: { bytes: number; done: Promise<void> };
        try {
          sent = await client.writeFrom(handle, at, chunk, async (into) => {
            try {
              return (await fh.read(into, 0, chunk, at)).bytesRead;
            } catch (e) {
              localError = localFileError(client.host, 'put', local, e);
              return 0;
            }
          });
        } catch (e) {
          error ??= e;
          break;
        }
        if (localError) error ??= localError;
        if (sent.bytes === 0) break;
        const n = sent.bytes;
        offset += n;
        inflight++;
        sent.done.then(
          () => {
            inflight--;
            meter.add(n);
            gate.wake();
          },
          (e: unknown) => {
            inflight--;
            error ??= e;
            gate.wake();
          },
        );
      }
      while (inflight > 0) await gate.wait();
      if (error) throw error;
      if (o.preserve) await client.fsetstat(handle, { mode, atime: times[0], mtime: times[1] });
      if (o.fsync && client.hasExtension('fsync@openssh.com')) await client.fsync(handle);
      await client.close(handle);
      ok = true;
    } finally {
      await fh.close().catch(() => {});
      if (!ok) {
        await closeQuietly(client, h);
        if (h && !o.keepPartial && client.isOpen) await client.remove(remote).catch(() => {});
      }
    }
  });
