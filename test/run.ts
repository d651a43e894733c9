// The suite runner: uvu over every *.test.ts, then a watchdog. uvu leaves the process to exit on its
// own when the event loop empties; a test that leaves a socket, child or timer behind would hang the
// run forever (a CI run once did). Here the leftover resources are named and the run fails instead.
//   npm run unit                 every test file
//   npm run unit -- quoting      only files whose path matches the pattern
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const GRACE_MS = 5000;

const pattern = process.argv[2] ? new RegExp(process.argv[2]) : /\.test\.ts$/;
const ctx = await parse('test', pattern, { ignore: ['fixtures', 'helpers', 'smoke'] });
const suites = ctx.suites.filter((s) => s.name.endsWith('.test.ts'));
if (suites.length === 0) {
  console.error(`no test file matches ${pattern}`);
  process.exit(1);
}
process.env.FORCE_COLOR ??= '1';
// uvu sets the exit code from its own tally at the end, which would forget a warning or an unhandled
// rejection that test/helpers/setup.ts strict() reported: count them here and fail the run after
let incidents = 0;
process.on('warning', () => incidents++);
process.on('unhandledRejection', () => incidents++);
await run(suites);
if (incidents > 0) {
  console.error(
    `\n${incidents} Node warning(s) or unhandled rejection(s) during the suite (printed above): failing the run`,
  );
  process.exitCode = 1;
}

// An unref'd timer does not keep the process alive: if it fires, something else does.
setTimeout(() => {
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
  console.error(
    `\nthe suite finished but the process did not exit within ${GRACE_MS} ms; still open: ${left.join(', ')}`,
  );
  process.exit(1);
}, GRACE_MS).unref();
