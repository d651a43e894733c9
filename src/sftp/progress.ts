// Transfer progress: a meter that turns byte counts into throttled `{ bytes, total, rate }` events,
// and the handle a transfer returns, which is both the Observable of those events and a Promise of
// the result.
import { Observable, ReplaySubject } from 'rxjs';

/** One progress event of a transfer. */
export interface TransferProgress {
  /** Bytes transferred so far (acknowledged by the server for put, written locally for get). */
  bytes: number;
  /** The file's size when known (from stat before the transfer), else undefined. */
  total: number | undefined;
  /** Bytes per second over the last second or so (the whole transfer's average in the final event). */
  rate: number;
  /** Milliseconds since the transfer started. */
  elapsed: number;
}

/** What a finished transfer resolves with. */
export interface TransferResult {
  /** Bytes transferred. */
  bytes: number;
  /** Milliseconds the transfer took. */
  elapsed: number;
  /** Average bytes per second. */
  rate: number;
  /** The remote path. */
  remote: string;
  /** The local path. */
  local: string;
}

const WINDOW_MS = 1000;

/** Counts bytes and publishes TransferProgress at most every `intervalMs` (no timers: events ride on byte counts). */
export class ProgressMeter {
  readonly events = new ReplaySubject<TransferProgress>(1);
  bytes = 0;
  total: number | undefined;
  private readonly start = performance.now();
  private lastEmit = -Infinity;
  private samples: Array<[number, number]> = [];

  constructor(private readonly intervalMs = 100) {}

  elapsed(): number {
    return performance.now() - this.start;
  }

  /** Publishes the starting event once the total is known. */
  begin(total: number | undefined): void {
    this.total = total;
    this.emit(performance.now(), 0);
  }

  add(n: number): void {
    this.bytes += n;
    const now = performance.now();
    if (now - this.lastEmit < this.intervalMs) return;
    this.samples.push([now, this.bytes]);
    while (this.samples.length > 2 && now - this.samples[0]![0] > WINDOW_MS) this.samples.shift();
    const [t0, b0] = this.samples[0]!;
    const rate = now > t0 ? ((this.bytes - b0) * 1000) / (now - t0) : 0;
    this.emit(now, rate);
  }

  /** The final event (average rate), then completion. */
  finish(): number {
    const elapsed = this.elapsed();
    const rate = elapsed > 0 ? (this.bytes * 1000) / elapsed : 0;
    this.events.next({ bytes: this.bytes, total: this.total, rate, elapsed });
    this.events.complete();
    return rate;
  }

  fail(e: unknown): void {
    this.events.error(e);
  }

  private emit(now: number, rate: number): void {
    this.lastEmit = now;
    if (this.samples.length === 0) this.samples.push([now, this.bytes]);
    this.events.next({ bytes: this.bytes, total: this.total, rate, elapsed: now - this.start });
  }
}

/**
 * A running transfer. Subscribe to it (or to `progress$`) for progress events; it completes when the transfer
 * succeeds and errors with the transfer's error. Await it (or `done`) for the result. The transfer runs whether or
 * not anyone subscribes; late subscribers get the latest event first.
 */
export class TransferHandle extends Observable<TransferProgress> implements PromiseLike<TransferResult> {
  /** Settles when the transfer has ended and every file handle it opened is closed. */
  readonly done: Promise<TransferResult>;

  /** @internal Made by `SftpClient.get` / `put`, not by users. */
  constructor(
    meter: ProgressMeter,
    done: Promise<TransferResult>,
    private readonly abort: (reason?: unknown) => void,
  ) {
    super((subscriber) => meter.events.subscribe(subscriber));
    this.done = done;
    done.catch(() => {}); // a caller who only watches progress$ sees the error there
  }

  /** The progress events (this handle itself, as an Observable). */
  get progress$(): Observable<TransferProgress> {
    return this;
  }

  /** Stops the transfer: it rejects with OSSH_ABORTED after closing its handles (partial files as documented). */
  cancel(reason?: unknown): void {
    this.abort(reason);
  }

  then<A = TransferResult, B = never>(
    onfulfilled?: ((value: TransferResult) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.done.then(onfulfilled, onrejected);
  }

  /** As `Promise.catch`, on the transfer's result. */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<TransferResult | B> {
    return this.done.catch(onrejected);
  }

  /** As `Promise.finally`, on the transfer's result. */
  finally(onfinally?: (() => void) | null): Promise<TransferResult> {
    return this.done.finally(onfinally);
  }
}
