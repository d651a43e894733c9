// npm run soak [-- 60s]: the mixed workload of soak-ops.ts (capture, exec$ streams, SFTP put/get, tunnels,
// failing commands, timeouts, aborts, unsubscribes) on both engines against a private sshd, for a duration
// (90, 60s, 10m, 1h; default 60s). Reports errors by kind, latency percentiles per operation and engine, and
// open fds, child processes, heap (after GC) and the commands left on the server at the start and at the end.
// Exits 1 when an operation failed unexpectedly or something grew. Not part of CI: run it by hand.
//   SOAK_WORKERS=8  operations in flight
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OpenSSH, isOpenSSHError, type EngineName } from '../src/index';
import { startSshd } from '../test/fixtures/sshd';
import { childProcesses, openFds } from '../test/helpers/processes';
import { SOAK_OPS, type SoakContext, type SoakOp } from './soak-ops';
import { percentile } from './stats';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Seconds from "90", "90s", "10m" or "1h". */
const parseDuration = (text = '60s'): number => {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`soak: a duration such as 60s, 10m or 1h, got ${JSON.stringify(text)}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
};
const SECONDS = parseDuration(process.argv[2]);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8);
const ENGINES: Exclude<EngineName, 'auto'>[] = ['mux', 'spawn'];

// the spawn engine's timed-out and aborted commands hold their session on the server until they end (2 s)
const SESSIONS = 8 * WORKERS;
const f = await startSshd({ maxSessions: SESSIONS });
if (!f) {
  console.error('soak: sshd is needed (Debian package openssh-server)');
  process.exit(1);
}
const echo = createServer((c) => c.on('data', (d) => c.end(`echo:${d}`)).on('error', () => {}));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;
const localDir = mkdtempSync(join(tmpdir(), 'net-openssh-soak-'));

const contexts = new Map<string, SoakContext>();
for (const engine of ENGINES) {
  const ssh = new OpenSSH(f.destination, f.options({ engine, maxSessions: SESSIONS, timeout: 30 }));
  await ssh.waitForMaster();
  const remoteDir = (await ssh.capture('mktemp -d')).trim();
  contexts.set(engine, { ssh, sftp: await ssh.sftp(), echoPort, remoteDir, localDir });
}

/**
 * Commands still running on the server for this soak's sshd (sshd itself excluded), by name: the processes whose
 * SSH_CONNECTION names its port, which they keep after their session is gone. Other users of the test account
 * on this machine do not count.
 */
const remoteProcesses = (): string[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const env = readFileSync(`/proc/${d}/environ`, 'latin1');
        const port = /(?:^|\0)SSH_CONNECTION=\S+ \d+ \S+ (\d+)(?:\0|$)/.exec(env)?.[1];
        const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
        return port === String(f.port) && comm !== 'sshd' ? [comm] : [];
      } catch {
        return []; // gone, or not ours to read
      }
    });

const snapshot = () => {
  gc();
  gc();
  return {
    fds: openFds(),
    children: childProcesses().filter((p) => p.pid !== f.pid).length,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    remote: remoteProcesses(),
  };
};

const latencies = new Map<string, number[]>();
const okCount = new Map<string, number>();
const errors = new Map<string, number>();
let seq = 0;

/** Runs one operation on one engine and records its latency and outcome. */
const runOne = async (op: SoakOp, engine: string): Promise<void> => {
  const key = `${op.name}\0${engine}`;
  const t0 = performance.now();
  try {
    await op.run(contexts.get(engine)!, ++seq);
    okCount.set(key, (okCount.get(key) ?? 0) + 1);
  } catch (e) {
    const kind = `${op.name} (${engine}): ${isOpenSSHError(e) ? `${e.code} ${e.message}` : String(e)}`.slice(0, 160);
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
  }
  latencies.set(key, [...(latencies.get(key) ?? []), performance.now() - t0]);
};

const NAME_WIDTH = Math.max(...SOAK_OPS.map((o) => o.name.length));
const totalWeight = SOAK_OPS.reduce((s, o) => s + o.weight, 0);
const pick = (): SoakOp => {
  let r = Math.random() * totalWeight;
  for (const op of SOAK_OPS) if ((r -= op.weight) < 0) return op;
  return SOAK_OPS[0]!;
};

// warm-up: every kind once on each engine (lazy handles, JIT), then the baseline
for (const op of SOAK_OPS) for (const engine of ENGINES) await runOne(op, engine);
await new Promise((r) => setTimeout(r, 2500)); // commands the warm-up timed out or aborted end on the server
latencies.clear();
okCount.clear();
const start = snapshot();
console.log(
  `soak: ${SECONDS} s, ${WORKERS} in flight, ${SOAK_OPS.length} kinds x ${ENGINES.join('+')}; ` +
    `${process.version}; user ${f.user}`,
);

const t0 = Date.now();
const deadline = t0 + SECONDS * 1000;
const progress = setInterval(() => {
  const done = [...okCount.values()].reduce((a, b) => a + b, 0);
  const failed = [...errors.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  ${Math.round((Date.now() - t0) / 1000)} s: ${done} ok, ${failed} errors, ${openFds()} fds, ` +
      `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}, 10_000);
await Promise.all(
  Array.from({ length: WORKERS }, async () => {
    while (Date.now() < deadline) await runOne(pick(), ENGINES[Math.floor(Math.random() * ENGINES.length)]!);
  }),
);
clearInterval(progress);
const elapsed = (Date.now() - t0) / 1000;

// settle (up to 10 s): killed slaves are reaped, remote commands the timeouts and aborts left end (theirs last 2 s)
for (let i = 0; i < 100; i++) {
  if (
    childProcesses().filter((p) => p.pid !== f.pid).length <= start.children &&
    remoteProcesses().length <= start.remote.length
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}
const end = snapshot();

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
console.log(
  `\n${'operation'.padEnd(NAME_WIDTH)} ${'engine'.padEnd(6)} ${'ok'.padStart(6)} ${'errors'.padStart(6)}` +
    '   p50 ms   p90 ms   p99 ms   max ms',
);
let total = 0;
for (const op of SOAK_OPS) {
  for (const engine of ENGINES) {
    const key = `${op.name}\0${engine}`;
    const xs = latencies.get(key) ?? [];
    const ok = okCount.get(key) ?? 0;
    total += xs.length;
    const cells = [50, 90, 99, 100].map((p) => fmt(percentile(xs, p)).padStart(8)).join(' ');
    console.log(
      `${op.name.padEnd(NAME_WIDTH)} ${engine.padEnd(6)} ${String(ok).padStart(6)} ` +
        `${String(xs.length - ok).padStart(6)} ${cells}`,
    );
  }
}
console.log(`\n${total} operations in ${elapsed.toFixed(0)} s (${(total / elapsed).toFixed(0)}/s)`);
console.log(`unexpected errors by kind: ${errors.size === 0 ? 'none' : ''}`);
for (const [kind, n] of [...errors].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${kind}`);
console.log('start -> end (after GC):');
console.log(`  open fds          ${start.fds} -> ${end.fds}`);
console.log(`  child processes   ${start.children} -> ${end.children}`);
console.log(`  heap              ${start.heapMiB.toFixed(1)} -> ${end.heapMiB.toFixed(1)} MiB`);
console.log(`  rss               ${start.rssMiB.toFixed(0)} -> ${end.rssMiB.toFixed(0)} MiB`);
const names = (xs: string[]) =>
  xs.length ? ` (${[...new Set(xs)].map((c) => `${c} x${xs.filter((x) => x === c).length}`).join(', ')})` : '';
console.log(`  server commands   ${start.remote.length} -> ${end.remote.length}${names(end.remote)}`);

// margins as in test/e2e/load.test.ts
const grew = [
  end.fds - start.fds > 2 && 'open fds',
  end.children > start.children && 'child processes',
  end.heapMiB - start.heapMiB >= 16 && 'heap',
  end.remote.length > start.remote.length && 'commands left on the server',
].filter(Boolean);
const clean = errors.size === 0 && grew.length === 0;
const dirt = [errors.size && 'unexpected errors', ...grew].filter(Boolean).join(', ');
console.log(`verdict: ${clean ? 'clean' : `NOT clean (${dirt})`}`);

for (const ctx of contexts.values()) {
  await ctx.sftp.end();
  await ctx.ssh.system('rm', '-rf', ctx.remoteDir);
  await ctx.ssh.disconnect();
}
echo.close();
await f.stop();
rmSync(localDir, { recursive: true, force: true });
process.exitCode = clean ? 0 : 1;
