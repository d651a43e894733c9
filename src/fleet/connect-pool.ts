// Starting hundreds of masters at once would fork hundreds of ssh processes and handshakes together:
// the fleet starts them `concurrency` at a time, each slot freed when its master runs or fails.
import { defer, from, mergeMap, type Subscription } from 'rxjs';
import type { HostEntry } from './host-entry';

/**
 * Starts every entry's master, at most `concurrency` connecting at once; settles each entry. Unsubscribe to stop
 * starting more.
 */
export const connectAll = (entries: readonly HostEntry[], concurrency: number): Subscription =>
  from(entries)
    .pipe(
      mergeMap(
        (e) =>
          defer(async () => {
            const error = await e.ssh.waitForMaster().then(
              () => undefined,
              (err: unknown) => err as NonNullable<Awaited<HostEntry['ready']>>,
            );
            e.settle(error);
          }),
        concurrency,
      ),
    )
    .subscribe();
