// npx tsx bench/capture.ts [rows...]: the collected-output paths (capture, capture2, capture$, lines$) and
// the mux stream and upload paths, as ratios against the `ssh -S ... | wc -c` floor measured in the same run
// (medians of interleaved rounds: on a shared machine only ratios taken side by side mean anything).
//   BENCH_ROUNDS=5  rounds        BENCH_MIB=64  bytes per transfer        BENCH_CIPHER=aes128-gcm@openssh.com
// With BENCH_CIPHER, the master (and so the floor, which rides on it) uses that cipher, as ssh2 may.
import { spawn } from 'node:child_process';
import { lastValueFrom, reduce } from 'rxjs';
import { OpenSSH } from '../src/index';
import { shellQuote } from '../src/quoting/index';
import { connectSsh2, loadSsh2 } from './clients/ssh2';
import { startSshd } from '../test/fixtures/sshd';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_MIB ?? 64) * 1024 * 1024;
const CIPHER = process.env.BENCH_CIPHER;
const ZEROS = `head -c ${N} /dev/zero`;
// 64-byte lines, so lines$ has lines to cut (the floor runs the same command)
const LINES = `yes 012345678901234567890123456789012345678901234567890123456789012 | head -c ${N}`;

const f = await startSshd({});
if (!f) throw new Error('bench: sshd is needed');
const cipherOpts = CIPHER ? ['-o', `Ciphers=${CIPHER}`] : [];
const ssh = new OpenSSH(f.destination, f.options({ masterOpts: ['-F', f.configPath, ...cipherOpts], timeout: 600 }));
await ssh.waitForMaster();
const sshArgv = shellQuote(
  'ssh',
  '-F',
  f.configPath,
  '-S',
  ssh.getCtlPath()!,
  '-l',
  f.user,
  '-p',
  String(f.port),
  f.host,
);

const bash = (script: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bash exited ${code}`))));
  });

const check = (what: string, got: number, want = N) => {
  if (got !== want) throw new Error(`${what}: got ${got} of ${want}`);
};

const CHUNK = Buffer.alloc(1 << 20);
const upload = async (engine: 'mux' | 'spawn') => {
  const p = await ssh.open2({ engine }, 'wc -c');
  let out = '';
  p.stdout.on('data', (c: Buffer) => (out += c));
  for (let left = N; left > 0; left -= CHUNK.length)
    if (!p.stdin.write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))
      await new Promise((r) => p.stdin.once('drain', r));
  p.stdin.end();
  await p.exit;
  check(`upload ${engine}`, Number(out));
};

const streamData = async (engine: 'mux' | 'spawn') => {
  const p = await ssh.pipeOut({ engine }, ZEROS);
  let got = 0;
  p.stdout.on('data', (c: Buffer) => (got += c.length));
  await new Promise((r) => p.stdout.once('end', r));
  await p.exit;
  check(`data ${engine}`, got);
};

const captureBefore = async (engine: 'mux' | 'spawn') => {
  const p = await ssh.pipeOut({ engine }, ZEROS);
  const chunks: Buffer[] = [];
  p.stdout.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => p.stdout.once('end', r));
  await p.exit;
  check(`before: capture ${engine}`, Buffer.concat(chunks).toString().length);
};

const ssh2 = await loadSsh2();
const ssh2c = ssh2
  ? (
      await connectSsh2(ssh2, {
        host: f.host,
        port: f.port,
        user: f.user,
        keyPath: f.keyPath,
        hostKeyPub: `${f.dir}/host_ed25519.pub`,
        ...(CIPHER && { ciphers: [CIPHER] }),
      })
    ).c
  : undefined;
const ssh2Exec = (cmd: string) =>
  new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
    ssh2c!.exec(cmd, (e, ch) => (e ? reject(e) : resolve(ch))),
  );

const rows: Record<string, () => Promise<unknown>> = {
  'floor down': () => bash(`test "$(${sshArgv} ${shellQuote(ZEROS)} | wc -c)" = ${N}`),
  'floor lines': () => bash(`test "$(${sshArgv} ${shellQuote(LINES)} | wc -c)" = ${N}`),
  'floor up': () => bash(`test "$(head -c ${N} /dev/zero | ${sshArgv} wc -c)" = ${N}`),
  'capture mux': async () => check('capture mux', (await ssh.capture({ engine: 'mux' }, ZEROS)).length),
  'capture spawn': async () => check('capture spawn', (await ssh.capture({ engine: 'spawn' }, ZEROS)).length),
  'capture2 mux': async () => check('capture2 mux', (await ssh.capture2({ engine: 'mux' }, ZEROS))[0].length),
  'capture$ utf-8 mux': async () =>
    check(
      'capture$',
      await lastValueFrom(
        ssh.capture$({ engine: 'mux', encoding: 'utf-8' }, ZEROS).pipe(reduce((n, s) => n + s.length, 0)),
      ),
    ),
  'capture$ bytes mux': async () =>
    check(
      'capture$ bytes',
      await lastValueFrom(ssh.capture$({ engine: 'mux' }, ZEROS).pipe(reduce((n, s) => n + s.length, 0))),
    ),
  'lines$ mux': async () =>
    check('lines$', await lastValueFrom(ssh.lines$({ engine: 'mux' }, LINES).pipe(reduce((n) => n + 1, 0))), N / 64),
  // near what capture() did before CapturedText: the stream path's chunks kept, joined, then decoded (for A/B in one
  // run; a lower bound: the old capture itself measured 4.5 s/GiB of Node CPU where this takes 2.8-3.2)
  'before: capture mux': () => captureBefore('mux'),
  'before: capture spawn': () => captureBefore('spawn'),
  'onStdout mux': async () => {
    let got = 0;
    await ssh.system({ engine: 'mux', onStdout: (c) => (got += c.length) }, ZEROS);
    check('onStdout', got);
  },
  'data mux': () => streamData('mux'),
  'data spawn': () => streamData('spawn'),
  'up mux': () => upload('mux'),
  'up spawn': () => upload('spawn'),
};
if (ssh2c) {
  rows['data ssh2'] = async () => {
    const ch = await ssh2Exec(ZEROS);
    let got = 0;
    ch.on('data', (d: Buffer) => (got += d.length));
    ch.stderr.resume();
    await new Promise((r) => ch.once('close', r));
    check('data ssh2', got);
  };
  rows['up ssh2'] = async () => {
    const ch = await ssh2Exec('wc -c');
    let out = '';
    ch.on('data', (d: Buffer) => (out += d));
    ch.stderr.resume();
    for (let left = N; left > 0; left -= CHUNK.length)
      if (!ch.write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))
        await new Promise((r) => ch.once('drain', r));
    ch.end();
    await new Promise((r) => ch.once('close', r));
    check('up ssh2', Number(out));
  };
}

const wanted = process.argv.slice(2);
const names = Object.keys(rows).filter(
  (k) => k.startsWith('floor') || !wanted.length || wanted.some((w) => k.includes(w)),
);
const samples = new Map<string, number[]>(names.map((k) => [k, []]));
// CPU seconds of this Node process per GiB (all its threads), steadier than time on a shared machine
const cpu = new Map<string, number[]>(names.map((k) => [k, []]));
for (const k of names) await rows[k]!(); // warm-up
for (let r = 0; r < ROUNDS; r++)
  for (const k of names) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    await rows[k]!();
    const c = process.cpuUsage(c0);
    samples.get(k)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.get(k)!.push(((c.user + c.system) / 1e6) * ((1 << 30) / N));
  }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const ms = new Map([...samples].map(([k, v]) => [k, median(v)]));
const floorOf = (k: string) =>
  k.startsWith('up') || k === 'floor up'
    ? 'floor up'
    : k.startsWith('lines') || k === 'floor lines'
      ? 'floor lines'
      : 'floor down';
console.log(`${N >> 20} MiB, ${ROUNDS} rounds, cipher ${CIPHER ?? 'default'}, ${process.version}`);
for (const [k, t] of ms) {
  const mbs = N / 1e6 / (t / 1e3);
  const ratio = (ms.get(floorOf(k))! / t).toFixed(2);
  const node = `node ${median(cpu.get(k)!).toFixed(2)} s/GiB`;
  console.log(
    `${k.padEnd(20)} ${t.toFixed(0).padStart(6)} ms ${mbs.toFixed(0).padStart(6)} MB/s  ${ratio}x floor  ${node}`,
  );
}
ssh2c?.end();
await ssh.disconnect();
await f.stop();
