// test/run.ts --jobs N: the test files spread over N worker processes (each runs test/run.ts --worker, so each
// has its own fixture sshd), handed out one at a time, the slow ones first. A worker prints a file's output and
// then a done line; the output of each file is shown whole, once the file is done, so files never interleave.
// The longest files, which loop over both engines, run as two jobs (one per engine, NET_OPENSSH_TEST_ENGINES),
// each in a worker process started for that engine (the engine is read when the process loads): every test still
// runs, on every engine. Such a worker runs the next jobs of its engine too, as the shared worker runs file after
// file: a worker costs about 1 CPU-s to start (node, tsx, the sources, its sshd), a fresh one per job was 20 more.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The line a worker prints after each file: the marker, then JSON {@link FileResult}. */
export const DONE_MARK = '@@net-openssh-test-file-done@@';

/** How one test file (or one engine's half of it) went. */
export interface FileResult {
  name: string;
  ms: number;
  /** CPU seconds of the worker's process tree during the file (test/helpers/tree-cpu.ts), when measured. */
  cpu?: number;
  failed: boolean;
}

/** A test file as uvu/parse lists it. */
export interface TestFile {
  name: string;
  file: string;
}

interface Job extends TestFile {
  engine?: 'spawn' | 'mux';
}

// Scheduling only (what starts first): the files that take longest, so that no worker is left with a long one
// at the end. A file missing here merely starts later.
const SLOW_FIRST = [
  'e2e/persist',
  'e2e/mux-faults',
  'servers/dropbear-sessions',
  'e2e/sink-backpressure',
  'e2e/timeout-rule',
  'e2e/killed-node',
  'e2e/commands',
  'e2e/load',
  'e2e/lifecycle.test',
  'e2e/lifecycle-internals',
  'e2e/faults',
  'cli/run',
  'cli/secrets',
  'servers/matrix',
  'servers/tinysshd',
  'e2e/cancelled-sessions',
  'fleet/fleet-policies',
  'fleet/fleet-scale',
  'cli/many-hosts',
  'e2e/loop-stall',
  'cli/masters',
  'cli/transfer',
  'observables/kill-on-timeout',
  'sftp/timeout',
  'e2e/capture-size',
  'quoting/remote-shells',
  'observables/inactivity-timeout',
  'transfers/scp',
  'transfers/rsync',
  'sftp/transfer',
  'cli/demo',
  'observables/memory',
];
/** Files long enough to run as one job per engine (each loops over ENGINES at its top level). */
const PER_ENGINE = [
  'servers/dropbear-sessions',
  'servers/tinysshd',
  'e2e/sink-backpressure',
  'servers/matrix',
  'e2e/timeout-rule',
  'e2e/killed-node',
  'e2e/loop-stall',
  'e2e/commands',
  'e2e/load',
  'e2e/lifecycle.test',
  'e2e/lifecycle-internals',
  'observables/kill-on-timeout',
  'sftp/timeout',
];
const rank = (name: string): number => {
  const i = SLOW_FIRST.findIndex((s) => name.startsWith(s));
  return i === -1 ? SLOW_FIRST.length : i;
};

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = fileURLToPath(new URL('../run.ts', import.meta.url));

/** A worker process: runs files one at a time; its output of each file is printed whole when the file is done. */
class Worker {
  private pending = '';
  private block = '';
  private waiting: ((r: FileResult | undefined) => void) | undefined;
  private readonly exited: Promise<number | null>;

  constructor(
    private readonly label: string,
    env: NodeJS.ProcessEnv,
  ) {
    const proc = spawn(process.execPath, ['--import', 'tsx', RUNNER, '--worker'], {
      cwd: REPO,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.stdin = proc.stdin;
    proc.stdin.on('error', () => {}); // a worker that died: its exit says so
    proc.stdout.setEncoding('utf8').on('data', (d: string) => this.read(d));
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        process.stdout.write(this.block + this.pending);
        if (code !== 0) console.error(`worker ${label} ended with ${signal ?? `exit code ${code}`}`);
        this.waiting?.(undefined); // a file it was running never finished
        resolve(code);
      }),
    );
  }

  private readonly stdin: NodeJS.WritableStream;

  private read(d: string): void {
    this.pending += d;
    for (let nl = this.pending.indexOf('\n'); nl !== -1; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl + 1);
      this.pending = this.pending.slice(nl + 1);
      if (!line.startsWith(DONE_MARK)) {
        this.block += line;
        continue;
      }
      const r = JSON.parse(line.slice(DONE_MARK.length)) as FileResult;
      const cpu = r.cpu === undefined ? '' : `, ${r.cpu.toFixed(1)} CPU-s`;
      process.stdout.write(`${this.block}    [worker ${this.label}: ${r.name} ${(r.ms / 1000).toFixed(1)} s${cpu}]\n`);
      this.block = '';
      const done = this.waiting;
      this.waiting = undefined;
      done?.(r);
    }
  }

  /** Runs one file; undefined when the worker died before the file was done. */
  run(file: string): Promise<FileResult | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.stdin.write(`${file}\n`);
    });
  }

  /** No more files: resolves with the worker's exit code (0 unless it failed to exit cleanly). */
  end(): Promise<number | null> {
    this.stdin.end();
    return this.exited;
  }
}

/**
 * Runs `files` on `jobs` workers; resolves with every job's result, the names of the jobs that never finished,
 * and whether a worker itself failed (did not exit cleanly).
 */
export const runParallel = async (
  files: TestFile[],
  jobs: number,
  outerTmp: string,
): Promise<{ results: FileResult[]; unfinished: string[]; workerFailed: boolean }> => {
  const queue: Job[] = [...files]
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
    .flatMap((f) =>
      PER_ENGINE.some((s) => f.name.startsWith(s))
        ? [
            { ...f, engine: 'spawn' as const },
            { ...f, engine: 'mux' as const },
          ]
        : [f],
    );
  const results: FileResult[] = [];
  const unfinished: string[] = [];
  let workerFailed = false;
  // the worker's tsx keeps its warm cache in the outer TMPDIR; the worker joins the run itself (joinRun)
  const env = { ...process.env, TMPDIR: outerTmp };
  const record = (job: Job, r: FileResult | undefined) => {
    const name = job.engine ? `${job.name} [${job.engine}]` : job.name;
    if (r) results.push({ ...r, name });
    else unfinished.push(name);
  };
  const slot = async (id: number) => {
    // a slot's workers: one for the files that loop over both engines ('both'), one per engine for the halves
    const workers = new Map<'both' | 'spawn' | 'mux', Worker>();
    const workerFor = (job: Job): Worker => {
      const kind = job.engine ?? 'both';
      let w = workers.get(kind);
      if (!w) {
        w = job.engine
          ? new Worker(`${id} (${job.engine})`, { ...env, NET_OPENSSH_TEST_ENGINES: job.engine })
          : new Worker(String(id), env);
        workers.set(kind, w);
      }
      return w;
    };
    for (let job = queue.shift(); job; job = queue.shift()) {
      const r = await workerFor(job).run(job.file);
      record(job, r);
      if (!r) {
        workerFailed = true;
        workers.delete(job.engine ?? 'both'); // it died with the file: the next file gets a new worker
      }
    }
    for (const w of workers.values()) if ((await w.end()) !== 0) workerFailed = true;
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, (_, i) => slot(i + 1)));
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`  ${files.length} files (${results.length + unfinished.length} jobs) on ${jobs} workers in ${s} s`);
  return { results, unfinished, workerFailed };
};
