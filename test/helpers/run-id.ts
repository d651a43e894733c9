// What tags a test run, so that it looks at and signals only what it started, even beside another run on the
// same machine with the same test account:
// - the run id, NET_OPENSSH_RUN_ID (made by test/run.ts when unset; .ci/run sets its own): in the environment of
//   every local process the run starts (they inherit it), and of every command the fixture sshd runs (its
//   sshd_config sets it for each session: test/fixtures/sshd.ts);
// - the run directory, `<tmp>/nos-run-<id>`, which becomes TMPDIR: the tests' temp dirs, the fixture sshd's dir
//   and the control sockets in it all live under it, so their paths (in ssh's and sshd's argv) name the run.
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The environment variable that carries the run id. */
export const RUN_ID_VAR = 'NET_OPENSSH_RUN_ID';

/** A test run: its id and its directory (TMPDIR for the run). */
export interface TestRun {
  id: string;
  dir: string;
  /** TMPDIR before the run: where the run directory is, and tsx's warm cache. */
  outerTmp: string;
}

/** Where a worker process of the run (test/run.ts --worker) finds the run directory. */
export const RUN_DIR_VAR = 'NET_OPENSSH_RUN_DIR';

/** This run's id (set by test/run.ts before any test file loads), or undefined outside test/run.ts. */
export const runId = (): string | undefined => process.env[RUN_ID_VAR] || undefined;

/**
 * Starts a run: takes NET_OPENSSH_RUN_ID or makes one, creates `<tmp>/nos-run-<id>` and makes it TMPDIR for this
 * process and everything it starts. Its mode is /tmp's, 1777: the test account reads the fixture's files below it,
 * and a test's process running as that account makes its own temp files in it (which the end-of-run check sees
 * too); the sticky bit keeps it a safe parent for control sockets (src/core/ctl-path.ts).
 */
export const startRun = (): TestRun => {
  const id = (process.env[RUN_ID_VAR] ||= randomBytes(4).toString('hex'));
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new Error(`${RUN_ID_VAR} must be 1-16 of [A-Za-z0-9_-], got ${id}`);
  // short: control paths under it must stay within ssh's 90 bytes (src/core/ctl-path.ts)
  const outerTmp = tmpdir();
  const dir = join(outerTmp, `nos-run-${id}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // a run id given twice (npm test runs the unit files, then the package checks): only our own plain directory
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.getuid?.())
      throw new Error(`${dir} exists and is not a directory of ours: choose another ${RUN_ID_VAR}`);
  }
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  process.env[RUN_DIR_VAR] = dir;
  return { id, dir, outerTmp };
};

/**
 * Joins the run a worker process belongs to: TMPDIR becomes the run directory, as in the process that started
 * the run (the worker starts with the outer TMPDIR, so that tsx, which looks once at start-up, keeps its warm
 * cache there).
 */
export const joinRun = (): void => {
  const dir = process.env[RUN_DIR_VAR];
  if (!dir || !runId())
    throw new Error(`a worker needs ${RUN_ID_VAR} and ${RUN_DIR_VAR} (test/run.ts --jobs sets them)`);
  process.env.TMPDIR = dir;
};

/**
 * Caches in the run directory, not leftovers: tsx's transform cache (`tsx-<uid>`), which the run's child processes
 * make in TMPDIR, and the bundles of the child scripts (test/helpers/script-bundle.ts, `node-bundles`).
 */
const isCache = (name: string): boolean => /^tsx-\d+$/.test(name) || name === 'node-bundles';

/**
 * Ends a run: what is left in its directory besides caches (names), after removing the directory when nothing
 * else is (a run that left something keeps it, for a look).
 */
export const finishRunDir = (run: TestRun): string[] => {
  let names: string[];
  try {
    names = readdirSync(run.dir);
  } catch {
    return []; // already gone
  }
  const left = names.filter((n) => !isCache(n));
  if (left.length === 0) rmSync(run.dir, { recursive: true, force: true });
  return left;
};
