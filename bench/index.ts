// npm run bench [-- latency|parallel|bulk ...]: net-openssh's engines against the floor of the
// process-per-command approach (`ssh -S` from bash), Perl Net::OpenSSH and ssh2 when installed, all
// in one run against one private sshd (non-root account), medians of several rounds, as ratios. The
// per-command rows show the mux engine twice: as it comes, and with prestarted shells (`muxPrestart: true`).
//   BENCH_ROUNDS=5  rounds per workload      BENCH_BULK_MIB=512  size of the bulk transfers
import { OpenSSH } from '../src/index';
import { startSshd } from '../test/fixtures/sshd';
import type { BenchClient, Workload } from './clients/client';
import { netOpenSSHClient, netOpenSSHCommandsClient, netOpenSSHLentClient } from './clients/net-openssh';
import { perlAvailable, perlClient } from './clients/perl';
import { sshCliClient } from './clients/ssh-cli';
import { loadSsh2, ssh2Client } from './clients/ssh2';
import { median, printTable, type Row } from './stats';
import { shellQuote } from '../src/quoting/index';

const FLOOR = 'ssh -S (bash)';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BULK = Number(process.env.BENCH_BULK_MIB ?? 512) * 1024 * 1024;
const SEQUENTIAL = 300;
const PARALLEL = 1000;
const IN_FLIGHT = 10;
const wanted = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['latency', 'parallel', 'bulk']);

const f = await startSshd({ maxSessions: 2 * IN_FLIGHT });
if (!f) {
  console.error('bench: sshd is needed (Debian package openssh-server)');
  process.exit(1);
}
const ssh = new OpenSSH(f.destination, f.options({ maxSessions: 2 * IN_FLIGHT }));
await ssh.waitForMaster();
const ctlPath = ssh.getCtlPath()!;
// the same commands with prestarted shells (opt-in; the default mux row has none), on a connection of its own
const prestarted = new OpenSSH(f.destination, f.options({ maxSessions: 2 * IN_FLIGHT, muxPrestart: true }));
await prestarted.waitForMaster();

const clients: BenchClient[] = [
  sshCliClient(shellQuote('ssh', '-F', f.configPath, '-S', ctlPath, '-l', f.user, '-p', String(f.port), '--', f.host)),
  netOpenSSHClient(ssh, 'mux'),
  netOpenSSHCommandsClient(prestarted, 'net-openssh mux prestart'),
  netOpenSSHLentClient(ssh, 'mux'),
  netOpenSSHClient(ssh, 'spawn'),
];
if (perlAvailable())
  clients.push(perlClient({ ctlPath, host: f.host, port: f.port, user: f.user, configPath: f.configPath }));
else console.log('(Perl Net::OpenSSH not installed: apt-get install libnet-openssh-perl)');
const ssh2 = await loadSsh2();
if (ssh2)
  clients.push(
    await ssh2Client(ssh2, {
      host: f.host,
      port: f.port,
      user: f.user,
      keyPath: f.keyPath,
      hostKeyPub: `${f.dir}/host_ed25519.pub`,
    }),
  );
else console.log('(ssh2 not installed: npm install ssh2)');

console.log(
  `net-openssh bench: ${clients.map((c) => c.name).join(', ')}; ${ROUNDS} rounds; ${process.version}; user ${f.user}`,
);
for (const c of clients) await c.sequential?.(20); // warm-up: caches, JIT, the mux socket

/** Runs `workload` for every client that has it, rounds interleaved so drift hits everyone alike; medians. */
const measureAll = async (
  rounds: number,
  workload: Workload,
  measure: (c: Required<BenchClient>) => Promise<number>,
): Promise<Map<string, number>> => {
  const taking = clients.filter((c) => c[workload]) as Required<BenchClient>[];
  const samples = new Map<string, number[]>(taking.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) for (const c of taking) samples.get(c.name)!.push(await measure(c));
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
};

const results: Record<string, Map<string, number>> = {};
if (wanted.has('latency')) {
  const ms = await measureAll(ROUNDS, 'sequential', (c) => c.sequential(SEQUENTIAL));
  results.latency = new Map([...ms].map(([k, v]) => [k, v / SEQUENTIAL]));
  printTable(
    `${SEQUENTIAL} sequential \`true\` (per command)`,
    [...results.latency].map(([client, value]) => ({ client, value, unit: 'ms/cmd' }) as Row),
    FLOOR,
  );
}
if (wanted.has('parallel')) {
  const ms = await measureAll(Math.min(ROUNDS, 3), 'parallel', (c) => c.parallel(PARALLEL, IN_FLIGHT));
  results.parallel = ms;
  printTable(
    `${PARALLEL} \`echo\`, ${IN_FLIGHT} in flight (total)`,
    [...ms].map(([client, value]) => ({ client, value: value / 1000, unit: 's' }) as Row),
    FLOOR,
  );
}
if (wanted.has('bulk')) {
  for (const dir of ['download', 'upload'] as const) {
    const ms = await measureAll(Math.min(ROUNDS, 3), dir, (c) => c[dir](BULK));
    results[dir] = new Map([...ms].map(([k, v]) => [k, BULK / 1e6 / (v / 1000)]));
    printTable(
      `${BULK >> 20} MiB ${dir === 'download' ? 'down (remote stdout)' : 'up (remote stdin)'}`,
      [...results[dir]!].map(([client, value]) => ({ client, value, unit: 'MB/s' }) as Row),
      FLOOR,
    );
  }
}

// the targets, stated against this run's own figures
const lat = results.latency;
if (lat) {
  const mux = lat.get('net-openssh mux')!;
  const check = (what: string, ok: boolean | undefined) =>
    ok !== undefined && console.log(`  ${ok ? 'met' : 'NOT met'}: ${what}`);
  console.log('\ntargets');
  check(
    'mux per-command latency at or below ssh2',
    lat.has('ssh2 (pure JS)') ? mux <= lat.get('ssh2 (pure JS)')! : undefined,
  );
  const pre = lat.get('net-openssh mux prestart')!;
  const ssh2Ms = lat.get('ssh2 (pure JS)');
  check('mux with muxPrestart: true at or below ssh2', ssh2Ms !== undefined ? pre <= ssh2Ms : undefined);
  const saved = `${(mux - pre).toFixed(2)} ms per command (${(pre / mux).toFixed(2)}x the default's time)`;
  console.log(`  muxPrestart: true saves ${saved}`);
  check(
    'mux at least 2.5x faster than Perl Net::OpenSSH',
    lat.has('Perl Net::OpenSSH') ? lat.get('Perl Net::OpenSSH')! / mux >= 2.5 : undefined,
  );
  for (const dir of ['download', 'upload'] as const) {
    const r = results[dir];
    if (r)
      check(
        `mux bulk ${dir} ('data' events) at or above the ssh -S pipe floor`,
        r.get('net-openssh mux')! >= r.get(FLOOR)! * 0.95,
      );
  }
  const down = results.download;
  if (down)
    check(
      'mux bulk download (onStdout) at or above the ssh -S pipe floor',
      down.get('net-openssh mux onStdout')! >= down.get(FLOOR)! * 0.95,
    );
}

for (const c of clients) await c.close();
await ssh.disconnect();
await f.stop();
