// npm run bench:fleet: one controller driving a fleet of many hosts. The hosts are distinct destinations to one
// private sshd: Host aliases in a generated ssh config, each connecting from its own loopback address 127.0.x.y
// (as the tests and the demo do). For each `concurrency`: time until every master is ready, the controller's CPU,
// RSS and heap, each master's RSS and PSS, and lines per second through the merged `lines$`; then the same
// handshakes made by plain `ssh` processes started by `xargs -P` with the same parallelism, for a ratio.
// Then the CLI (`net-openssh run`) on every host: in a pseudo-terminal, how often its status line is redrawn
// against a small fleet's in the same run; with --json into a pipe, whether every line is JSON and every host
// ends once. Last, `persist`: a first run starts a persistent master per host, a second run must find them all.
//   BENCH_HOSTS=500  destinations   BENCH_CONCURRENCY=16,64,128   BENCH_LINES=200 lines per host
//   BENCH_PARTS=ready,cli,persist  BENCH_CLI_CONCURRENCY=64 (run -p; persist's too)  BENCH_CLI_BASELINE=10 hosts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, reduce } from 'rxjs';
import { fleet } from '../src/index';
import { writeHostAliases } from '../src/testing/host-aliases';
import { startSshd } from '../test/fixtures/sshd';
import { median } from './stats';
import { checkJson, cliInPty, cliJson, describeIntervals, redrawIntervals } from './fleet-cli';
import { compareRuns, listed, persistRun, stopAll } from './fleet-persist';
import { kib, processesMentioning } from './proc';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 500);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '16,64,128').split(',').map(Number);
const LINES = Number(process.env.BENCH_LINES ?? 200);
const PARTS = (process.env.BENCH_PARTS ?? 'ready,cli,persist').split(',');
const CLI_CONCURRENCY = Number(process.env.BENCH_CLI_CONCURRENCY ?? 64);
const CLI_BASELINE = Number(process.env.BENCH_CLI_BASELINE ?? 10);
const PTY_LINES = 20;
// a command that lasts a while (the status line's quiet spells) and prints a few lines (drawn above the status line)
const PTY_CMD = `sleep 2; seq 1 ${PTY_LINES}`;

const f = await startSshd();
if (!f) {
  console.error('bench: sshd is needed (Debian package openssh-server)');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'nos-bench-fleet-'));
const name = (i: number) => `b${String(i + 1).padStart(3, '0')}`;
const config = writeHostAliases(
  f,
  Array.from({ length: HOSTS }, (_, i) => ({ name: name(i), from: `127.0.${Math.floor(i / 250)}.${2 + (i % 250)}` })),
  join(dir, 'ssh_config'),
);
const MiB = 1024 * 1024;
/** `b[001-010]`: the first `n` hosts as a host range. */
const range = (n: number) => `b[001-${String(n).padStart(3, '0')}]`;
const gc = (globalThis as { gc?: () => void }).gc;
/** A check the bench makes failed: said, and the bench exits 1 (its figures stay printed). */
const failed = (what: string) => {
  console.log(`  FAILED: ${what}`);
  process.exitCode = 1;
};

console.log(
  `net-openssh bench:fleet: ${HOSTS} hosts (loopback aliases of one sshd), concurrency ${CONCURRENCY.join('/')}; ` +
    `${process.version}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
const rows: string[] = [];
try {
  for (const c of PARTS.includes('ready') ? CONCURRENCY : []) {
    // the previous round's fleet is closed: let its last handles go before the baseline
    await new Promise((r) => setTimeout(r, 2000));
    gc?.();
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const fl = fleet([range(HOSTS)], {
      options: { ...f.options(), masterOpts: ['-F', config], defaultSshOpts: ['-F', config], timeout: 60 },
      concurrency: c,
      commandConcurrency: c,
    });
    try {
      const { running, failed } = await fl.connected();
      const readyMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (failed.length > 0) console.log(`  ${failed.length} failed, first: ${failed[0]!.error.message}`);
      gc?.();
      const mem = process.memoryUsage();
      const pids = running.map((h) => fl.connection(h)!.masterPid!).filter(Boolean);
      const rss = median(pids.map((p) => kib(p, 'status', 'VmRSS')));
      const pss = median(pids.map((p) => kib(p, 'smaps_rollup', 'Pss')));
      const t1 = performance.now();
      const lines = await lastValueFrom(
        fl.lines$(`seq 1 ${LINES}`).pipe(reduce((n, e) => (e.type === 'line' ? n + 1 : n), 0)),
      );
      const runMs = performance.now() - t1;
      const grown = mem.heapUsed - heap0;
      const perHost = `${(grown / 1024 / running.length).toFixed(1)} KiB/host`;
      const master = `${(rss / 1024).toFixed(1)} / ${(pss / 1024).toFixed(1)} MiB`;
      rows.push(
        `| ${c} | ${running.length}/${HOSTS} | ${(readyMs / 1000).toFixed(1)} s | ` +
          `${((cpu.user + cpu.system) / 1000 / running.length).toFixed(1)} ms | ` +
          `${(mem.rss / MiB).toFixed(0)} MiB | ${(grown / MiB).toFixed(1)} MiB (${perHost}) | ` +
          `${master} | ${Math.round(lines / (runMs / 1000))} lines/s (${lines} in ${(runMs / 1000).toFixed(1)} s) |`,
      );
    } finally {
      await fl.close();
    }
    // the same handshakes, one plain ssh process each (connect, run `true`, exit), as many at once
    const t2 = performance.now();
    const names = Array.from({ length: HOSTS }, (_, i) => name(i)).join('\n');
    const r = spawnSync('xargs', ['-P', String(c), '-I{}', 'ssh', '-F', config, '-o', 'BatchMode=yes', '{}', 'true'], {
      input: names,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const xargsMs = performance.now() - t2;
    rows[rows.length - 1] += ` ${(xargsMs / 1000).toFixed(1)} s${r.status === 0 ? '' : ` (exit ${r.status})`} |`;
    console.log(rows.at(-1));
  }
  if (rows.length > 0) {
    console.log(
      '\n| concurrency | ready | time until every master ready | controller CPU per host | controller RSS |' +
        ' controller heap growth | master RSS / PSS (median) | merged lines$ |' +
        ` ${HOSTS} × \`ssh host true\` via xargs -P |`,
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
  }
  if (PARTS.includes('cli')) await cliPart();
  if (PARTS.includes('persist')) await persistPart();
  console.log(`\n${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`);
} finally {
  await stopAll(join(dir, 'persist')).catch(() => 0); // a persist part that failed half-way leaves none
  rmSync(dir, { recursive: true, force: true });
  await f.stop();
  const left = processesMentioning(dir);
  console.log(
    `\nleft behind: ${left.length} processes${left.length ? ` (${left.join(' ')})` : ''}, ` +
      `temp dir ${existsSync(dir) ? 'still there' : 'removed'}`,
  );
  if (left.length > 0 || existsSync(dir)) failed('the bench left something behind');
}

/** The CLI on the small fleet, then on all hosts, in a pty (status line redraws), then with --json into a pipe. */
async function cliPart(): Promise<void> {
  // HOME: the CLI's control sockets go into the bench's temp dir; no colour: the status line is plain text
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const args = (n: number) => ['run', '-F', config, '-t', '60', '-p', String(CLI_CONCURRENCY), '-H', range(n)];
  console.log(`\nCLI: net-openssh run -p ${CLI_CONCURRENCY}, status line in a pty (120 columns), -- '${PTY_CMD}'`);
  const peaks: number[] = [];
  // memory per host is the peak RSS difference between a small run and the full one: only with more hosts than that
  const sizes = HOSTS > CLI_BASELINE ? [CLI_BASELINE, HOSTS] : [HOSTS];
  for (const n of sizes) {
    const r = await cliInPty([...args(n), '--', PTY_CMD], env);
    peaks.push(r.peakRssKiB);
    const gaps = redrawIntervals(r.draws);
    const took = `${(r.ms / 1000).toFixed(1)} s`;
    if (r.code !== 0) failed(`the CLI on ${n} hosts exited ${r.code}`);
    console.log(
      `  ${String(n).padStart(3)} hosts: exit ${r.code} in ${took}, ${describeIntervals(gaps)}; ` +
        `drawn ${r.draws.length} times in all for ${n * PTY_LINES} output lines, ` +
        `${Math.round(r.bytes / 1000)} kB to the terminal; CLI peak RSS ${(r.peakRssKiB / 1024).toFixed(0)} MiB`,
    );
  }
  if (sizes.length === 2) {
    const perHost = (peaks[1]! - peaks[0]!) / (sizes[1]! - sizes[0]!);
    console.log(
      `  CLI memory per host: ${perHost.toFixed(0)} KiB ` +
        '(peak RSS difference over the host difference; noise below a few hundred hosts)',
    );
  } else console.log(`  CLI memory per host: not measured (it takes more than ${CLI_BASELINE} hosts)`);
  const hosts = Array.from({ length: HOSTS }, (_, i) => name(i));
  const run = await cliJson([...args(HOSTS), '--json', '--', `seq 1 ${LINES}`], env);
  const c = checkJson(run, hosts, LINES);
  console.log(
    `CLI --json into a pipe, -- seq 1 ${LINES}: exit ${run.code} in ${(run.ms / 1000).toFixed(1)} s; ` +
      `${c.events} events, ${c.notJson} not JSON, ${c.ok}/${HOSTS} ok; hosts without exactly one end: ` +
      `${c.wrongEnds.length} ${c.wrongEnds.slice(0, 5).join(' ')}; hosts without ${LINES} lines: ` +
      `${c.wrongLines.length}; summary last: ${c.summaryLast}; ${Math.round(c.perSecond)} events/s; ` +
      `stderr: ${run.stderr.length} bytes; CLI peak RSS ${(run.peakRssKiB / 1024).toFixed(0)} MiB`,
  );
  const valid = c.notJson + c.wrongEnds.length + c.wrongLines.length === 0 && c.summaryLast && c.ok === HOSTS;
  if (run.code !== 0 || !valid || run.stderr) failed('--json: see the line above');
}

/** A first run with `persist` starts a master per host and leaves them; the second must find every one. */
async function persistPart(): Promise<void> {
  const ctlDir = join(dir, 'persist');
  const options = { ...f!.options(), masterOpts: ['-F', config], defaultSshOpts: ['-F', config], timeout: 60 };
  const c = CLI_CONCURRENCY;
  console.log(`\npersist: ${HOSTS} hosts, concurrency ${c}, persist 10m`);
  const first = await persistRun([range(HOSTS)], options, ctlDir, c);
  const kept = await listed(ctlDir);
  const firstPids = [...first.pids.values()];
  const rss = median(firstPids.map((p) => kib(p, 'status', 'VmRSS')));
  const pss = median(firstPids.map((p) => kib(p, 'smaps_rollup', 'Pss')));
  const second = await persistRun([range(HOSTS)], options, ctlDir, c);
  const { reused, started } = compareRuns(first, second);
  const ready = (r: typeof first) =>
    `${r.pids.size}/${HOSTS} ready in ${(r.readyMs / 1000).toFixed(2)} s` +
    `${r.failed.length ? `, ${r.failed.length} failed, first: ${r.failed[0]}` : ''}`;
  console.log(`  first run: ${ready(first)}`);
  console.log(`  second run: ${ready(second)}`);
  console.log(
    `  between the runs: ${kept} persistent masters listed; each ${(rss / 1024).toFixed(1)} MiB RSS, ` +
      `${(pss / 1024).toFixed(1)} MiB PSS (median)`,
  );
  console.log(`  second run: ${reused} masters reused, ${started} started`);
  if (reused !== HOSTS) failed(`the second run reused ${reused} of ${HOSTS} masters`);
  console.log(`  first / second: ${(first.readyMs / second.readyMs).toFixed(1)} x`);
  console.log(`  stopped: ${await stopAll(ctlDir)} persistent masters`);
}
