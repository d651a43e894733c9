// npm run bench [-- latency|parallel|bulk|capture|bash|cipher ...] [--json [file]]: net-openssh's engines against
// the floor of the process-per-command approach (`ssh -S` from bash), Perl Net::OpenSSH and ssh2 when installed,
// against private sshds (non-root accounts), medians of interleaved rounds, as ratios, each with its cost (CPU by
// process, peak RSS). Then issue 18's targets, each judged met or NOT met from this run's figures.
//   latency, parallel, bulk, capture: the /bin/sh account (MaxSessions 20); the per-command rows show mux twice,
//     as it comes and with prestarted shells (`muxPrestart: true`); capture: capture, capture2, capture$, lines$.
//   bash: a bash login shell account (bench/bash-account.ts), sshd and client at their defaults (MaxSessions 10):
//     per-command latency, and 5, 10 and 50 in flight.
//   cipher: on that bash account, down, up and capture with the default cipher and with aes128-gcm@openssh.com
//     forced on the master (so on the floor and Perl) and on ssh2; the negotiated ciphers printed.
//   BENCH_ROUNDS=5            rounds of the latency tables (the others: at most 3)
//   BENCH_BULK_MIB=512        bulk transfers of the sh account    BENCH_CIPHER_MIB=BULK/2  bulk of the cipher rows
//   BENCH_CAPTURE_MIB=64      (at most BULK) captures              BENCH_INFLIGHT_CMDS=300  commands per in-flight row
import { netOpenSSHCaptureClients } from './clients/net-openssh-capture';
import { netOpenSSHCommandsClient } from './clients/net-openssh';
import { ensureBashAccount } from './bash-account';
import { LIKE_CIPHER, loggedMaster } from './masters';
import { measureTable, type TableSpec } from './measure';
import { machineInfo, parseArgs, versions, writeJson } from './report';
import type { BenchResults, TableResult } from './results';
import { clientGroup, closeGroup, missingClients, startServer } from './scenes';
import { printTable } from './stats';
import { judgeTargets, printTargets } from './targets';
import { bulkSpec, captureSpec, parallelSpec, sequentialSpec } from './workloads';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const ROUNDS = env('BENCH_ROUNDS', 5);
const FEW = Math.min(ROUNDS, 3);
const BULK_MIB = env('BENCH_BULK_MIB', 512);
const MIB = 1 << 20;
const BULK = BULK_MIB * MIB;
const CIPHER_BULK = env('BENCH_CIPHER_MIB', Math.max(1, BULK_MIB >> 1)) * MIB;
const CAPTURE = env('BENCH_CAPTURE_MIB', Math.min(64, BULK_MIB)) * MIB;
const IN_FLIGHT_CMDS = env('BENCH_INFLIGHT_CMDS', 300);
const SEQUENTIAL = 300;
const PARALLEL = 1000;
const IN_FLIGHT = 10;
const args = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
})();
const { parts, json } = args;

const tables: TableResult[] = [];
const measure = async (spec: TableSpec, ciphers?: Record<string, string>) => {
  const t0 = performance.now();
  const t = await measureTable(spec);
  t.elapsedS = Math.round((performance.now() - t0) / 100) / 10;
  if (ciphers) t.ciphers = ciphers;
  printTable(t);
  tables.push(t);
};
for (const why of missingClients()) console.log(`(${why})`);
console.log(`net-openssh bench: ${[...parts].join(', ')}; ${ROUNDS} rounds; ${process.version}`);

if (['latency', 'parallel', 'bulk', 'capture'].some((p) => parts.has(p))) {
  const f = await startServer({ maxSessions: 2 * IN_FLIGHT });
  if (!f) process.exit(1);
  const g = await clientGroup(f, f.user, 'sh', { maxSessions: 2 * IN_FLIGHT });
  const pre = await loggedMaster(f, f.user, 'sh-prestart', { maxSessions: 2 * IN_FLIGHT, muxPrestart: true });
  const clients = [...g.clients, netOpenSSHCommandsClient(pre.ssh, 'net-openssh mux prestart')];
  clients.push(...netOpenSSHCaptureClients(g.ssh));
  console.log(`\n/bin/sh account ${f.user}; ciphers: master ${g.ciphers.master}, ssh2 ${g.ciphers.ssh2 ?? '-'}`);
  for (const c of clients) await c.sequential?.(20); // warm-up: caches, JIT, the mux socket
  const c = { clients, sshds: [f.pid!] };
  const where = 'sh';
  if (parts.has('latency'))
    await measure(sequentialSpec({ ...c, id: 'latency-sh', rounds: ROUNDS }, SEQUENTIAL, where), g.ciphers);
  if (parts.has('parallel'))
    await measure(parallelSpec({ ...c, id: 'parallel-sh', rounds: FEW }, PARALLEL, IN_FLIGHT, where));
  if (parts.has('bulk'))
    for (const dir of ['download', 'upload'] as const)
      await measure(bulkSpec({ ...c, id: `${dir}-sh`, rounds: FEW }, dir, BULK, where), g.ciphers);
  if (parts.has('capture')) await measure(captureSpec({ ...c, id: 'capture-sh', rounds: FEW }, CAPTURE, where));
  await closeGroup(g);
  await pre.ssh.disconnect();
  await f.destroy();
}

if (parts.has('bash') || parts.has('cipher')) {
  const account = ensureBashAccount();
  const f = 'user' in account ? await startServer({ user: account.user }) : undefined;
  if (!('user' in account)) console.log(`\n(no bash rows: ${account.why})`);
  else if (f) {
    const g = await clientGroup(f, account.user, 'bash');
    console.log(`\nbash login shell account ${f.user}, sshd and client defaults (MaxSessions 10)`);
    for (const c of g.clients) await c.sequential?.(20);
    const c = { clients: g.clients, sshds: [f.pid!] };
    if (parts.has('bash')) {
      await measure(sequentialSpec({ ...c, id: 'latency-bash', rounds: ROUNDS }, SEQUENTIAL, 'bash'), g.ciphers);
      for (const k of [5, 10, 50])
        await measure(parallelSpec({ ...c, id: `inflight-bash-${k}`, rounds: FEW }, IN_FLIGHT_CMDS, k, 'bash'));
    }
    if (parts.has('cipher')) {
      const aes = await clientGroup(f, account.user, 'bash-aes', { cipher: LIKE_CIPHER });
      for (const x of aes.clients) await x.sequential?.(20);
      const groups = [
        { g, key: 'default', label: 'bash, default ciphers' },
        { g: aes, key: 'aes', label: `bash, ${LIKE_CIPHER} on every side` },
      ];
      for (const { g: x, key, label } of groups) {
        const cx = { clients: x.clients, sshds: [f.pid!] };
        for (const dir of ['download', 'upload'] as const)
          await measure(bulkSpec({ ...cx, id: `${dir}-${key}`, rounds: FEW }, dir, CIPHER_BULK, label), x.ciphers);
        await measure(captureSpec({ ...cx, id: `capture-${key}`, rounds: FEW }, CAPTURE, label), x.ciphers);
      }
      await closeGroup(aes);
    }
    await closeGroup(g);
    await f.destroy();
  }
}

const targets = judgeTargets(tables, json);
printTargets(targets);
if (json) {
  const settings = { rounds: ROUNDS, bulkMiB: BULK_MIB, cipherMiB: CIPHER_BULK / MIB, captureMiB: CAPTURE / MIB };
  const all = { ...settings, sequential: SEQUENTIAL, parallel: PARALLEL, inFlightCommands: IN_FLIGHT_CMDS };
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    versions: versions(),
    settings: all,
    parts: [...parts],
    tables,
    targets,
  };
  writeJson(json, results);
  console.log(`\nresults written to ${json} (npm run bench:chart draws docs/bench.svg from it)`);
}
