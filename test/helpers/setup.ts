// Shared test habits: any Node warning or unhandled rejection fails the run; async assertion helpers.
import * as assert from 'uvu/assert';

let installed = false;
/** Makes warnings and unhandled rejections fatal (call once per test file; idempotent). */
export const strict = (): void => {
  if (installed) return;
  installed = true;
  process.on('warning', (w) => {
    console.error('Node warning during tests:', w);
    process.exitCode = 1;
  });
  process.on('unhandledRejection', (e) => {
    console.error('unhandled rejection during tests:', e);
    process.exitCode = 1;
  });
};

/** Awaits `p`, asserts it rejects, and returns the rejection (optionally checked by `check`: returning false fails). */
export const rejects = async <E = unknown>(p: Promise<unknown>, check?: (e: E) => unknown): Promise<E> => {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    if (check) {
      const ok = check(e as E);
      if (ok === false) assert.unreachable(`rejection did not match: ${(e as Error)?.stack ?? String(e)}`);
    }
    return e as E;
  }
  return assert.unreachable(`expected a rejection, got ${JSON.stringify(result)?.slice(0, 200)}`) as never;
};

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns true or `ms` passes; returns the last result. */
export const eventually = async (fn: () => boolean | Promise<boolean>, ms = 3000, every = 20): Promise<boolean> => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await sleep(every);
  }
};

/**
 * Awaits `p`, failing the test instead of hanging when it never settles (a guard against hangs, not a speed
 * check: the limit is far above any normal duration; speed is measured in bench/).
 */
export const noHang = async <T>(p: Promise<T>, what: string, ms = 60_000): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms / 1000} s (a hang)`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
};
