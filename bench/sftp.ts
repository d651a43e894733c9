// Benchmark: the same file through our SFTP client and through the `sftp` binary, both riding the same
// ControlMaster, in one run. Medians of several rounds, printed as ratios (ours / sftp binary time).
//   npx tsx bench/sftp.ts            256 MiB, 3 rounds
//   SFTP_BENCH_MB=64 SFTP_BENCH_ROUNDS=5 npx tsx bench/sftp.ts
// Not a test: it starts the test fixture's private sshd on 127.0.0.1, so the figures measure the
// protocol and process overhead (no network latency).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenSSH, type EngineName } from '../src/index';
import { sftp } from '../src/sftp/index';
import { startSshd } from '../test/fixtures/sshd';

const run = promisify(execFile);
const MB = Number(process.env.SFTP_BENCH_MB ?? 256);
const ROUNDS = Number(process.env.SFTP_BENCH_ROUNDS ?? 3);
const SIZE = MB * 1024 * 1024;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const f = await startSshd();
if (!f) {
  console.error('bench/sftp: no sshd on this machine');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'net-openssh-bench-sftp-'));
chmodSync(dir, 0o777);
const src = join(dir, 'src.bin');
{
  const fd = openSync(src, 'w');
  for (let left = SIZE; left > 0; left -= 1 << 20) writeSync(fd, randomBytes(Math.min(left, 1 << 20)));
  closeSync(fd);
}
const remote = join(dir, 'remote.bin');
const back = join(dir, 'back.bin');

const engines: Array<Exclude<EngineName, 'auto'>> = ['spawn', 'mux'];
const conns = new Map<string, OpenSSH>();
for (const engine of engines) {
  const ssh = new OpenSSH(f.destination, f.options({ engine }));
  await ssh.waitForMaster();
  conns.set(engine, ssh);
}
const ssh = conns.get('spawn')!;

// the sftp binary over the same master
const batch = join(dir, 'batch');
const sftpBinary = async (cmds: string): Promise<void> => {
  writeFileSync(batch, cmds);
  await run('sftp', [
    '-q',
    '-F',
    f.configPath,
    '-o',
    `ControlPath=${ssh.getCtlPath()}`,
    '-o',
    'ControlMaster=no',
    '-P',
    String(f.port),
    '-b',
    batch,
    `${f.user}@${f.host}`,
  ]);
};

type Case = { name: string; fn: () => Promise<unknown> };
const cases: Case[] = [];
for (const engine of engines) {
  cases.push({
    name: `ours put (${engine})`,
    fn: async () => {
      const c = await sftp(conns.get(engine)!);
      await c.put(src, remote);
      await c.end();
    },
  });
  cases.push({
    name: `ours get (${engine})`,
    fn: async () => {
      const c = await sftp(conns.get(engine)!);
      await c.get(remote, back);
      await c.end();
    },
  });
}
// the transport's ceiling: the same bytes as a plain `cat` through one of our channels, and through the ssh binary into
// a pipe
cases.push({
  name: 'cat via our channel',
  fn: async () => {
    const p = await ssh.openEx({ stdoutPipe: true }, 'cat', remote);
    for await (const _ of p.stdout!);
    await p.exit;
  },
});
cases.push({
  name: 'cat via ssh binary',
  fn: () =>
    run('sh', [
      '-c',
      `ssh -F '${f.configPath}' -S '${ssh.getCtlPath()}' -o ControlMaster=no -p ${f.port} ${f.user}@${f.host} ` +
        `cat '${remote}' | cat >/dev/null`,
    ]),
});
cases.push({ name: 'sftp binary put', fn: () => sftpBinary(`put ${src} ${remote}\n`) });
cases.push({ name: 'sftp binary get', fn: () => sftpBinary(`get ${remote} ${back}\n`) });

// one warm-up put so that `remote` exists for the gets
await sftpBinary(`put ${src} ${remote}\n`);
const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const c of cases) {
    const ms = await time(c.fn);
    if (c.name.includes('get') && statSync(back).size !== SIZE) throw new Error(`${c.name}: wrong size`);
    if (c.name.includes('put') && statSync(remote).size !== SIZE) throw new Error(`${c.name}: wrong size`);
    times.get(c.name)!.push(ms);
  }

const mbps = (ms: number) => (MB / (ms / 1000)).toFixed(0);
console.log(`SFTP ${MB} MiB over a ControlMaster to 127.0.0.1, median of ${ROUNDS} rounds`);
const med = new Map([...times].map(([k, v]) => [k, median(v)]));
for (const [name, ms] of med)
  console.log(`  ${name.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms  ${mbps(ms).padStart(5)} MiB/s`);
for (const dirn of ['put', 'get'])
  for (const engine of engines) {
    const ours = med.get(`ours ${dirn} (${engine})`)!;
    const theirs = med.get(`sftp binary ${dirn}`)!;
    console.log(
      `  ${dirn} ratio (${engine}): ours/sftp time = ${(ours / theirs).toFixed(2)}  ` +
        `(throughput ${((theirs / ours) * 100).toFixed(0)}% of the sftp binary)`,
    );
  }
const ceiling = med.get('cat via our channel')! / med.get('cat via ssh binary')!;
console.log(
  `  transport ceiling: reading the file through one of our channels takes ${ceiling.toFixed(2)}x ` +
    "the ssh binary's time",
);

for (const c of conns.values()) await c.disconnect();
await f.stop();
rmSync(dir, { recursive: true, force: true });
