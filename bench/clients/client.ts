// What every benchmarked client can do; each returns elapsed milliseconds.

export interface BenchClient {
  readonly name: string;
  /** `n` sequential `true` commands. */
  sequential?(n: number): Promise<number>;
  /** `n` `echo` commands with `inFlight` running at once. */
  parallel?(n: number, inFlight: number): Promise<number>;
  /** `bytes` from the remote stdout (`head -c`), consumed and counted. */
  download?(bytes: number): Promise<number>;
  /** `bytes` into the remote stdin (`cat > /dev/null`). */
  upload?(bytes: number): Promise<number>;
  close(): Promise<void>;
}

/** The workloads; a client without one is left out of its table. */
export type Workload = 'sequential' | 'parallel' | 'download' | 'upload';

/** Runs `task(i)` for i < n with at most `inFlight` at once. */
export const pool = async (n: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
};

/** Milliseconds `fn` takes. */
export const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

/** A 1 MiB zero buffer written repeatedly by the upload workloads. */
export const CHUNK = Buffer.alloc(1 << 20);
