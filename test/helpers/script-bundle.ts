// Child Node processes of the tests (the CLI, the client scripts of test/fixtures, scripts a test writes) run from an
// ESM bundle of their TypeScript entry, built with esbuild once per run, instead of through tsx. tsx costs each
// process about 0.5 CPU-s (1 s for `.bin/tsx`, which starts a second node) to load itself and the sources again;
// plain node on a bundle about 0.1 s, and the suite starts a few hundred such processes. The code that runs is
// the same source, transformed by the same esbuild that tsx uses; the packages stay outside the bundle and load
// from node_modules as before (a `node_modules` link beside the bundles), node-pty included.
//
// The bundles live in the run directory (test/helpers/run-id.ts; removed with it at the end of the run), shared by
// the run's worker processes: each is written under a temporary name and renamed, so a worker never sees half of
// one. Outside a run (a test file started by hand) they go to a temp dir of the process, removed when it exits.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { atExit } from '../../src/testing/throwaway-sshd';
import { runId } from './run-id';

/** The directory of the bundles in a run directory: a cache, not a leftover (test/helpers/run-id.ts). */
export const BUNDLE_DIR = 'node-bundles';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

let dir: string | undefined;
const bundleDir = (): string => {
  if (dir !== undefined) return dir;
  if (runId() !== undefined) {
    dir = join(tmpdir(), BUNDLE_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o755 }); // readable by the test account, as the run dir
  } else {
    const own = mkdtempSync(join(tmpdir(), `${BUNDLE_DIR}-`));
    chmodSync(own, 0o755); // a script may run as the test account (test/testing/test-sshd.test.ts)
    atExit.add(() => rmSync(own, { recursive: true, force: true }));
    dir = own;
  }
  try {
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return dir;
};

const built = new Map<string, string>();

/**
 * The path of an ESM bundle of the TypeScript file `entry` (absolute), for `node <bundle> ...args`. Built on the
 * first call of the run for that entry; later calls, in this process or another worker of the run, reuse it.
 */
export const scriptBundle = (entry: string): string => {
  const known = built.get(entry);
  if (known !== undefined) return known;
  const key = createHash('sha256').update(entry).digest('hex').slice(0, 12);
  const out = join(bundleDir(), `${basename(entry).replace(/\.[mc]?ts$/, '')}-${key}.mjs`);
  if (existsSync(out)) {
    built.set(entry, out); // another worker of the run built it
    return out;
  }
  const partial = `${out}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  renameSync(partial, out);
  built.set(entry, out);
  return out;
};
