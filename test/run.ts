// The suite runner: uvu over every *.test.ts, then a watchdog. uvu leaves the process to exit on its
// own when the event loop empties; a test that leaves a socket, child or timer behind would hang the
// run forever (a CI run once did). Here the leftover resources are named and the run fails instead.
//   npm run unit                 every test file, full sizes (what CI runs)
//   npm run unit -- quoting      only files whose path matches the pattern
//   npm run test:quick           every test file with small sizes (--quick; see test/helpers/sizes.ts)
//
// Each run is tagged so that it only ever looks at what it started, even beside another run on the same machine
// with the same test account (see test/helpers/run-id.ts): a run id (NET_OPENSSH_RUN_ID, made here when unset) in
// the environment of every process it starts, and a run directory that becomes TMPDIR, so the temp dirs of the
// tests, the fixture sshd's dir and the control sockets in it all live under it. At the end the run directory
// must be empty (tsx's transform cache aside): anything else in it was left behind, and fails the run.
import { performance } from 'node:perf_hooks';
import { parse } from 'uvu/parse';
import { finishRunDir, startRun } from './helpers/run-id';

const GRACE_MS = 5000;

const args = process.argv.slice(2);
if (args.includes('--quick')) process.env.NET_OPENSSH_TEST_SIZE = 'quick';
const patternArg = args.find((a) => a !== '--quick');
const run = startRun();

const pattern = patternArg ? new RegExp(patternArg) : /\.test\.ts$/;
const ctx = await parse('test', pattern, { ignore: ['fixtures', 'helpers', 'smoke'] });
const suites = ctx.suites.filter((s) => s.name.endsWith('.test.ts'));
if (suites.length === 0) {
  console.error(`no test file matches ${pattern}`);
  process.exit(1);
}
process.env.FORCE_COLOR ??= '1';
console.log(
  `run ${run.id} (temp dirs in ${run.dir}); sizes: ${process.env.NET_OPENSSH_TEST_SIZE === 'quick' ? 'quick' : 'full'}`,
);
// uvu sets the exit code from its own tally at the end, which would forget a warning or an unhandled
// rejection that test/helpers/setup.ts strict() reported: count them here and fail the run after
let incidents = 0;
process.on('warning', () => incidents++);
process.on('unhandledRejection', () => incidents++);

// What uvu/run does (import every file, each into its own group, then run the groups), plus the time each file
// takes: its import (a fixture it starts at the top level) and its tests. A group is a list of runners that
// return [errors, ran, skipped, total]; the two added ones only read the clock.
type Runner = () => Promise<[string, number, number, number]> | [string, number, number, number];
const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: Array<Array<unknown>> };
g.UVU_DEFER = 1;
const uvu = await import('uvu');
const times: Array<{ name: string; ms: number }> = [];
for (const [i, s] of suites.entries()) {
  g.UVU_INDEX = i;
  const t0 = performance.now();
  g.UVU_QUEUE.push([s.name]);
  await import(`file:///${s.file}`);
  const loaded = performance.now() - t0;
  const group = g.UVU_QUEUE[i]!;
  let started = 0;
  const begin: Runner = () => ((started = performance.now()), ['', 0, 0, 0]);
  const end: Runner = () => (times.push({ name: s.name, ms: loaded + performance.now() - started }), ['', 0, 0, 0]);
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
if (times.length > 1) {
  const slowest = times.sort((a, b) => b.ms - a.ms).slice(0, 12);
  console.log(`  slowest files: ${slowest.map((t) => `${t.name} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}\n`);
}

// Registered last, so it runs after the fixtures' own exit clean-up (sshd stopped, its dir removed).
process.once('exit', () => {
  const left = finishRunDir(run);
  if (left.length === 0) return;
  console.error(`\nleft behind in the run's temp dir ${run.dir} (kept for a look): ${left.join(', ')}`);
  process.exitCode = 1;
});

// An unref'd timer does not keep the process alive: if it fires, something else does.
setTimeout(() => {
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
  console.error(
    `\nthe suite finished but the process did not exit within ${GRACE_MS} ms; still open: ${left.join(', ')}`,
  );
  process.exit(1);
}, GRACE_MS).unref();
