// Shared pieces of the observables tests: a scratch directory the remote account can write, the pid a
// remote command reports, a check on the server that a process is gone, and a TestScheduler for marbles.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catchError, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as assert from 'uvu/assert';
import type { OpenSSH } from '../../src/index';
import { eventually } from '../helpers/setup';

/** A directory the remote account (another user when we run as root) can write; `remove()` deletes it. */
export const scratch = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `net-openssh-${name}-`));
  chmodSync(dir, 0o777);
  return {
    dir,
    path: (file: string) => join(dir, file),
    /** A file both sides can append to. */
    file: (file: string, content = '') => {
      const p = join(dir, file);
      writeFileSync(p, content);
      chmodSync(p, 0o666);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** Waits for a remote command to write its pid (`echo $$ > file`) and returns it. */
export const pidFrom = async (file: string): Promise<number> => {
  let pid = NaN;
  const ok = await eventually(() => {
    if (!existsSync(file)) return false;
    pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0;
  }, 10_000);
  assert.ok(ok, `no pid written to ${file}`);
  return pid;
};

/** Whether `pid` runs on the server, asked on the server itself. */
export const remoteAlive = (ssh: OpenSSH, pid: number): Promise<boolean> => ssh.test('kill', '-0', String(pid));

/** Asserts that the remote process `pid` ends within a few seconds (checked on the server). */
export const assertRemoteGone = async (ssh: OpenSSH, pid: number, what: string): Promise<void> => {
  assert.ok(
    await eventually(async () => !(await remoteAlive(ssh, pid)), 8000, 50),
    `${what}: remote process ${pid} is still running`,
  );
};

/** A TestScheduler whose assertions are uvu's. */
export const marbles = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));

/** Replaces an error by its `code`, so marble diagrams can name it: `'#'` with error value `'OSSH_SLAVE_TIMEOUT'`. */
export const errorCode = <T>(): import('rxjs').MonoTypeOperatorFunction<T> =>
  catchError((e: { code?: string }) => throwError(() => e?.code ?? e));

/**
 * Collects the values of an Observable until it completes or errors: `{values, error}`. Fails instead of hanging after
 * `guardMs`.
 */
export const settle = <T>(
  o: import('rxjs').Observable<T>,
  guardMs = 30_000,
): Promise<{ values: T[]; error: unknown }> =>
  new Promise((resolve, reject) => {
    const values: T[] = [];
    const guard = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`the stream neither completed nor errored within ${guardMs} ms (${values.length} values)`));
    }, guardMs);
    const done = (error: unknown) => {
      clearTimeout(guard);
      resolve({ values, error });
    };
    const sub = o.subscribe({ next: (v) => values.push(v), error: done, complete: () => done(undefined) });
  });
