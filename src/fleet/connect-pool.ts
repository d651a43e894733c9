// Starting hundreds of masters at once would fork hundreds of ssh processes and handshakes together:
// the fleet starts them `concurrency` at a time, each slot freed when its master runs or fails. A host
// whose master fails to connect is tried again (`retries`, with a doubling delay) before it counts as failed.
import { defer, from, mergeMap, type Subscription } from 'rxjs';
import { isOpenSSHError, type OpenSSHError } from '../core/errors';
import type { HostEntry } from './host-entry';

/** Net::OpenSSH::Parallel's retry policy for connections: attempts after the first, and the first delay. */
export interface RetryPolicy {
  /** Connection attempts after the first, for a master that failed (OSSH_MASTER_FAILED). */
  retries: number;
  /** Milliseconds before the first retry; each further one waits twice as long. */
  delayMs: number;
}

/** Waits `ms`, or less if `signal` aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/** Connects one host, retrying a failed master as `retry` says; settles its entry. */
const connectOne = async (e: HostEntry, retry: RetryPolicy, stop: AbortSignal): Promise<void> => {
  for (;;) {
    const error = await e.ssh.waitForMaster().then(
      () => undefined,
      (err: unknown) => err as OpenSSHError,
    );
    const again =
      error !== undefined &&
      e.attempts <= retry.retries &&
      isOpenSSHError(error, 'OSSH_MASTER_FAILED') &&
      e.ssh.restart !== undefined &&
      !stop.aborted &&
      !e.settled;
    if (!again) return e.settle(error);
    await pause(retry.delayMs * 2 ** (e.attempts - 1), stop);
    if (stop.aborted || e.settled) return e.settle(error);
    e.attempts++;
    // restart(true) resolves once the new master is started; waitForMaster above waits for its outcome
    await e.ssh.restart!(true).catch(() => undefined);
  }
};

/**
 * Starts every entry's master, at most `concurrency` connecting at once (a host being retried keeps its slot);
 * settles each entry. Unsubscribe, and abort `stop`, to stop starting more.
 */
export const connectAll = (
  entries: readonly HostEntry[],
  concurrency: number,
  retry: RetryPolicy,
  stop: AbortSignal,
): Subscription =>
  from(entries)
    .pipe(mergeMap((e) => defer(() => connectOne(e, retry, stop)), concurrency))
    .subscribe();
