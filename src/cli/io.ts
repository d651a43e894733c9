// The CLI writes through these rather than the process's streams directly, so that `demo` can run the
// same commands in-process and a test could hand in its own streams.
import type { Writable } from 'node:stream';

/** A stream the CLI writes to, with what a terminal tells about itself. */
export type OutStream = Writable & { isTTY?: boolean; columns?: number };

/** Where a command writes and the environment it reads (NO_COLOR, FORCE_COLOR). */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

/** This process's stdout, stderr and environment. */
export const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
