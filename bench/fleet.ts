// npm run bench:fleet: one controller driving a fleet of many hosts. The hosts are distinct destinations to one
// private sshd: Host aliases in a generated ssh config, each connecting from its own loopback address 127.0.x.y
// (as the tests and the demo do). For each `concurrency`: time until every master is ready, the controller's CPU,
// RSS and heap, each master's RSS and PSS, and lines per second through the merged `lines$`; then the same
// handshakes made by plain `ssh` processes started by `xargs -P` with the same parallelism, for a ratio.
//   BENCH_HOSTS=500  destinations   BENCH_CONCURRENCY=16,64,128   BENCH_LINES=200 lines per host
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, reduce } from 'rxjs';
import { fleet } from '../src/index';
import { writeHostAliases } from '../src/testing/host-aliases';
import { startSshd } from '../test/fixtures/sshd';
import { median } from './stats';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 500);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '16,64,128').split(',').map(Number);
const LINES = Number(process.env.BENCH_LINES ?? 200);

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
const kib = (pid: number, file: string, field: string): number => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
};
const gc = (globalThis as { gc?: () => void }).gc;

console.log(
  `net-openssh bench:fleet: ${HOSTS} hosts (loopback aliases of one sshd), concurrency ${CONCURRENCY.join('/')}; ` +
    `${process.version}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
const rows: string[] = [];
try {
  for (const c of CONCURRENCY) {
    // the previous round's fleet is closed: let its last handles go before the baseline
    await new Promise((r) => setTimeout(r, 2000));
    gc?.();
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const fl = fleet([`b[001-${String(HOSTS).padStart(3, '0')}]`], {
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
  console.log(
    '\n| concurrency | ready | time until every master ready | controller CPU per host | controller RSS |' +
      ' controller heap growth | master RSS / PSS (median) | merged lines$ |' +
      ` ${HOSTS} × \`ssh host true\` via xargs -P |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(`\n${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await f.stop();
}
