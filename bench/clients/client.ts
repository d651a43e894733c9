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
  /** `bytes` of text ({@link textCommand}) collected whole, as a capture does, and checked. */
  capture?(bytes: number): Promise<number>;
  /** The ControlMaster processes this client's work goes through (their CPU and memory are its cost). */
  masters?(): number[];
  close(): Promise<void>;
}

/** The workloads; a client without one is left out of its table. */
export type Workload = 'sequential' | 'parallel' | 'download' | 'upload' | 'capture';

/**
 * Runs `task(i)` for i < n with at most `inFlight` at once. After a failure no task starts, and the first error is
 * thrown once every running task has ended (nothing of a failed run spills into the next client's).
 */
export const pool = async (n: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < n && !failed) {
      try {
        await task(next++);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(inFlight, n) }, worker));
  const error = settled.find((s) => s.status === 'rejected');
  if (error) throw (error as PromiseRejectedResult).reason;
};

/** Milliseconds `fn` takes. */
export const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

/** A 1 MiB zero buffer written repeatedly by the upload workloads. */
export const CHUNK = Buffer.alloc(1 << 20);

/** The text every capture workload reads: `bytes` of 32-byte lines (31 characters and a newline). */
export const textCommand = (bytes: number): string => `yes 0123456789abcdefghijklmnopqrstu | head -c ${bytes}`;

/** Lines in the output of {@link textCommand}. */
export const textLines = (bytes: number): number => Math.ceil(bytes / 32);
