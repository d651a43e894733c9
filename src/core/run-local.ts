// Runs a short local command (ssh -O check, ssh -V ...) to completion, bounded in time, never through a shell.
import { execFile } from 'node:child_process';

export interface LocalResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not start (e.g. ENOENT). */
  error?: Error | undefined;
}

/** Runs `cmd args` with stdin from /dev/null; kills it after `timeoutMs`. */
export const runLocal = (cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<LocalResult> =>
  new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
        const spawnError = e && typeof e.code === 'string' ? e : undefined;
        resolve({
          code: child.exitCode,
          signal: child.signalCode?.replace(/^SIG/, '') ?? null,
          stdout,
          stderr,
          error: spawnError ?? undefined,
        });
      },
    );
    child.stdin?.end();
  });
