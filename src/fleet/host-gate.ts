// Net::OpenSSH::Parallel's per-host concurrency: however many runs of a fleet go at once, one host runs at most
// `limit` of their commands together; the others wait their turn in order.
import { Observable, type Subscription } from 'rxjs';

/** A counting gate for one host's commands. */
export class HostGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** `limit`: commands at once on this host (Infinity: no limit). */
  constructor(readonly limit: number) {}

  /** `source`, subscribed once this host has a free slot; the slot is freed when it ends or is unsubscribed. */
  through<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((sub) => {
      let inner: Subscription | undefined;
      let started = false;
      let released = false;
      const release = () => {
        if (!started || released) return;
        released = true;
        this.active--;
        this.waiting.shift()?.();
      };
      const start = () => {
        started = true;
        this.active++;
        inner = source.subscribe({
          next: (v) => sub.next(v),
          error: (e: unknown) => {
            release();
            sub.error(e);
          },
          complete: () => {
            release();
            sub.complete();
          },
        });
      };
      if (this.active < this.limit) start();
      else this.waiting.push(start);
      return () => {
        if (!started) {
          const i = this.waiting.indexOf(start);
          if (i >= 0) this.waiting.splice(i, 1);
          return;
        }
        inner?.unsubscribe();
        release();
      };
    });
  }
}
