// The suite runner: uvu over every *.test.ts, then a watchdog. uvu leaves the process to exit on its
// own when the event loop empties; a test that leaves a socket, child or timer behind would hang the
// run forever (a CI run once did). Here the leftover resources are named and the run fails instead; so does a run
// in which no test ends for 5 minutes (test/helpers/stall-watch.ts).
//   npm run unit                 every test file, full sizes, one process (what CI runs)
//   npm run unit -- quoting      only files whose path matches the pattern
//   npm run test:quick           every test file with small sizes (--quick; test/helpers/sizes.ts), on
//                                several worker processes (--jobs N; test/helpers/parallel-run.ts)
//
// Each run is tagged so that it only ever looks at what it started, even beside another run on the same machine
// with the same test account (see test/helpers/run-id.ts): a run id (NET_OPENSSH_RUN_ID, made here when unset) in
// the environment of every process it starts, and a run directory that becomes TMPDIR, so the temp dirs of the
// tests, the fixture sshd's dir and the control sockets in it all live under it. At the end the run directory
// must be empty (tsx's transform cache aside): anything else in it was left behind, and fails the run.
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'uvu/parse';
import { DONE_MARK, type FileResult, runParallel } from './helpers/parallel-run';
import { finishRunDir, joinRun, startRun } from './helpers/run-id';
import { watchStalls } from './helpers/stall-watch';
import { treeCpuSeconds } from './helpers/tree-cpu';

const GRACE_MS = 5000;
const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

// [--quick] [--jobs N] [--worker] [pattern]; a later --jobs wins (`npm run test:quick -- --jobs 2`)
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
let jobs = 1;
let patternArg: string | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--jobs') jobs = Number(args[++i]);
  else if (!args[i]!.startsWith('--')) patternArg = args[i];
}
if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs takes a whole number, got ${jobs}`);
if (flag('--quick')) process.env.NET_OPENSSH_TEST_SIZE = 'quick';
process.env.FORCE_COLOR ??= '1';

// uvu sets the exit code from its own tally at the end, which would forget a warning or an unhandled
// rejection that test/helpers/setup.ts strict() reported: count them here and fail the run after
let incidents = 0;
process.on('warning', () => incidents++);
process.on('unhandledRejection', () => incidents++);

// uvu's globals: a queue of groups (one per file: its name, then runners that return [errors, ran, skipped,
// total]); with UVU_DEFER set, test.run() queues its suite in group UVU_INDEX instead of running it.
type Runner = () => [string, number, number, number];
const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: Array<Array<unknown>> };
g.UVU_DEFER = 1;

/** Fails the run when the process does not exit by itself soon after the last test (something is still open). */
const watchExit = () =>
  // An unref'd timer does not keep the process alive: if it fires, something else does.
  setTimeout(() => {
    const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    console.error(
      `\nthe suite finished but the process did not exit within ${GRACE_MS} ms; still open: ${left.join(', ')}`,
    );
    process.exit(1);
  }, GRACE_MS).unref();

// The files that took longest, and (where /proc gives it: test/helpers/tree-cpu.ts) those that used most CPU, their
// own process tree's: ssh, the fixture sshd and its children, the remote commands.
const printSlowest = (times: Array<{ name: string; ms: number; cpu?: number }>) => {
  if (times.length < 2) return;
  const slowest = [...times].sort((a, b) => b.ms - a.ms).slice(0, 12);
  console.log(`  slowest files: ${slowest.map((t) => `${t.name} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}`);
  const measured = times.filter((t) => t.cpu !== undefined) as Array<{ name: string; cpu: number }>;
  if (measured.length > 0) {
    const total = measured.reduce((sum, t) => sum + t.cpu, 0);
    const most = [...measured].sort((a, b) => b.cpu - a.cpu).slice(0, 12);
    const list = most.map((t) => `${t.name} ${t.cpu.toFixed(1)} s`).join(', ');
    console.log(`  most CPU (${total.toFixed(1)} CPU-s in the files): ${list}`);
  }
  console.log('');
};

/** CPU seconds of this process's tree since `from` (undefined without /proc). */
const cpuSince = (from: number | undefined): number | undefined => {
  const now = treeCpuSeconds();
  return now === undefined || from === undefined ? undefined : now - from;
};

if (flag('--worker')) {
  // One worker of a --jobs run: test files come one path a line on stdin; after each, a done line on stdout.
  joinRun();
  // stderr into stdout, so that what a file prints stays in order and in its own block (parallel-run.ts)
  process.stderr.write = process.stdout.write.bind(process.stdout) as typeof process.stderr.write;
  const uvu = await import('uvu');
  let current: string | undefined; // the file running now; none while waiting for the next
  watchStalls(() => current);
  for await (const file of createInterface({ input: process.stdin })) {
    const name = relative(TEST_DIR, file);
    current = name;
    const before = incidents;
    const t0 = performance.now();
    const cpu0 = treeCpuSeconds();
    let failed: boolean;
    g.UVU_QUEUE.length = 0;
    g.UVU_INDEX = 0;
    g.UVU_QUEUE.push([name]);
    try {
      await import(`file:///${file}`);
      await uvu.exec();
      failed = process.exitCode === 1;
    } catch (e) {
      console.error(`${name} failed to load: ${(e as Error)?.stack ?? e}`);
      failed = true;
    }
    process.exitCode = 0; // this file's outcome goes to the parent, in the done line
    const ms = performance.now() - t0;
    const result: FileResult = { name, ms, cpu: cpuSince(cpu0), failed: failed || incidents > before };
    process.stdout.write(`${DONE_MARK}${JSON.stringify(result)}\n`);
    current = undefined;
  }
  watchExit();
} else {
  const run = startRun();
  const pattern = patternArg ? new RegExp(patternArg) : /\.test\.ts$/;
  const ctx = await parse('test', pattern, { ignore: ['fixtures', 'helpers', 'smoke'] });
  const suites = ctx.suites.filter((s) => s.name.endsWith('.test.ts'));
  if (suites.length === 0) {
    console.error(`no test file matches ${pattern}`);
    process.exit(1);
  }
  const size = process.env.NET_OPENSSH_TEST_SIZE === 'quick' ? 'quick' : 'full';
  console.log(`run ${run.id} (temp dirs in ${run.dir}); sizes: ${size}; ${Math.min(jobs, suites.length)} process(es)`);
  // Registered last (once the tests ran, or as the stall watch ends the run), so it runs after the fixtures' own exit
  // clean-up (sshd stopped, its dir removed): the run directory goes, or what is left in it is named.
  const finishRunOnExit = () =>
    process.once('exit', () => {
      const left = finishRunDir(run);
      if (left.length === 0) return;
      console.error(`\nleft behind in the run's temp dir ${run.dir} (kept for a look): ${left.join(', ')}`);
      process.exitCode = 1;
    });

  if (jobs > 1 && suites.length > 1) {
    const { results, unfinished, workerFailed } = await runParallel(suites, jobs, run.outerTmp);
    const failed = results.filter((r) => r.failed).map((r) => r.name);
    printSlowest(results);
    if (failed.length > 0) console.error(`FAILED: ${failed.join(', ')}`);
    if (unfinished.length > 0) console.error(`never finished (the worker died): ${unfinished.join(', ')}`);
    if (failed.length > 0 || unfinished.length > 0 || workerFailed || incidents > 0) process.exitCode = 1;
    else console.log(`  all ${suites.length} files passed (${results.length} jobs)`);
  } else {
    // What uvu/run does (import every file, each into its own group, then run the groups), plus the time each
    // file takes: its import (a fixture it starts at the top level) and its tests. The two added runners only
    // read the clock.
    const uvu = await import('uvu');
    const times: Array<{ name: string; ms: number; cpu?: number }> = [];
    let current = "the files' imports";
    watchStalls(() => current, finishRunOnExit); // a stalled run never reaches the hook below
    for (const [i, s] of suites.entries()) {
      g.UVU_INDEX = i;
      const t0 = performance.now();
      const cpu0 = treeCpuSeconds();
      g.UVU_QUEUE.push([s.name]);
      await import(`file:///${s.file}`);
      const loaded = performance.now() - t0;
      const group = g.UVU_QUEUE[i]!;
      const loadCpu = cpuSince(cpu0);
      let started = 0;
      let startCpu: number | undefined;
      const begin: Runner = () => {
        current = s.name;
        started = performance.now();
        startCpu = treeCpuSeconds();
        return ['', 0, 0, 0];
      };
      const end: Runner = () => {
        const ran = cpuSince(startCpu);
        const cpu = ran === undefined || loadCpu === undefined ? undefined : loadCpu + ran;
        times.push({ name: s.name, ms: loaded + performance.now() - started, cpu });
        return ['', 0, 0, 0];
      };
      group.splice(1, 0, begin);
      group.push(end);
    }
    await uvu.exec();
    if (incidents > 0) {
      console.error(
        `\n${incidents} Node warning(s) or unhandled rejection(s) during the suite (printed above): failing the run`,
      );
      process.exitCode = 1;
    }
    printSlowest(times);
  }

  finishRunOnExit();
  watchExit();
}
