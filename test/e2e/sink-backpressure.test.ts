// Backpressure into the output sinks (issue 20, defect 2): a command's output given to a slow Writable
// (`stdoutFh`, a connection's `defaultStdoutFh`), to an fd number, or to the inherited stdout is read no faster
// than the sink takes it, on both engines: RSS stays bounded like pipeOut's instead of growing by what arrived
// while the sink took nothing. The sinks stall for their first seconds (a consumer merely slower than loopback
// ssh would let a fast machine hide the bug). Each case runs in its own process (test/fixtures/sink-client.ts),
// which reports its RSS growth; the figures are printed. BULK is the one size knob.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Scenario, SinkJob, SinkOutcome } from '../fixtures/sink-client';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, strict } from '../helpers/setup';
import { MiB, sized } from '../helpers/sizes';
import { scriptBundle } from '../helpers/script-bundle';

strict();
/** How much output each case moves. */
const BULK = sized(512 * MiB, 64 * MiB); // quick: only MAX_QUEUED can tell the bug
/**
 * RSS growth allowed: a few times what backpressure needs (~35 MiB, most of it not the output's), far below what
 * 2.5 s of stall buffers at BULK = 512 MiB. With a much smaller BULK only MAX_QUEUED can tell the bug.
 */
const MAX_GROWTH = 128 * MiB;
/** What a slow Writable may hold queued: its highWaterMark and a chunk or two, not the output. */
const MAX_QUEUED = 4 * MiB;
const STALL_MS = 2500; // the test reads the client's pipe after this long, as the client's slow Writable does

const CLIENT = fileURLToPath(new URL('../fixtures/sink-client.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const f = await sharedSshd();
const dir = mkdtempSync(join(tmpdir(), 'nos-sinks-'));

/**
 * Runs one scenario in a client process; reads the pipe the output goes to (its fd 3 or its stdout) slowly,
 * keeping the byte count and the last bytes.
 */
const runClient = async (engine: (typeof ENGINES)[number], scenario: Scenario) => {
  const resultFile = join(dir, `${engine}-${scenario}.json`);
  const job: SinkJob = {
    destination: f!.destination,
    options: f!.options({ engine }),
    scenario,
    bytes: BULK,
    resultFile,
  };
  const child = spawn(process.execPath, [scriptBundle(CLIENT), JSON.stringify(job)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const fd3 = child.stdio[3] as Readable;
  const [out, other] = scenario === 'system-fd3' ? [fd3, child.stdout!] : [child.stdout!, fd3];
  other.resume();
  let outBytes = 0;
  let tail = Buffer.alloc(0);
  let stalled = false;
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  out.on('data', (c: Buffer) => {
    outBytes += c.length;
    tail = Buffer.concat([tail, c]).subarray(-16);
    if (stalled) return;
    stalled = true;
    out.pause();
    setTimeout(() => out.resume(), STALL_MS);
  });
  const code = await noHang(
    new Promise<number | null>((resolve) => child.once('close', resolve)),
    `${scenario} (${engine})`,
    120_000,
  );
  assert.is(code, 0, `client exited ${code}: ${stderr}`);
  const r = JSON.parse(readFileSync(resultFile, 'utf8')) as SinkOutcome;
  const growth = r.peak - r.baseline;
  const queued = scenario.includes('stream') || scenario === 'pipe-out';
  console.log(
    `    ${engine}: ${BULK / MiB} MiB via ${scenario}: ${(r.ms / 1000).toFixed(1)} s,` +
      ` RSS ${Math.round(r.baseline / MiB)} -> peak ${Math.round(r.peak / MiB)} MiB` +
      ` (growth ${Math.round(growth / MiB)} MiB)` +
      (queued ? `, most queued in the Writable ${(r.maxQueued / MiB).toFixed(1)} MiB` : ''),
  );
  assert.is(r.error, undefined, `the command failed: ${r.error}`);
  return { ...r, growth, outBytes, tail: tail.toString('latin1') };
};

for (const engine of ENGINES) {
  const test = suite(`e2e: backpressure into sinks (${engine} engine)`);
  if (!f) {
    test.run();
    continue;
  }

  test(`pipeOut into a slow Writable: the bound the sinks are held to`, async () => {
    const r = await runClient(engine, 'pipe-out');
    assert.is(r.received, BULK);
    assert.ok(r.maxQueued < MAX_QUEUED, `${r.maxQueued} bytes queued in the Writable`);
    assert.ok(r.growth < MAX_GROWTH, `RSS grew by ${Math.round(r.growth / MiB)} MiB`);
  });

  test('system({ stdoutFh: slow Writable }): RSS stays bounded, every byte arrives', async () => {
    const r = await runClient(engine, 'system-stream');
    assert.is(r.received, BULK);
    assert.ok(r.maxQueued < MAX_QUEUED, `${r.maxQueued} bytes queued in the Writable`);
    assert.ok(r.growth < MAX_GROWTH, `RSS grew by ${Math.round(r.growth / MiB)} MiB`);
  });

  test('spawn() with defaultStdoutFh: slow Writable: RSS stays bounded, every byte arrives', async () => {
    const r = await runClient(engine, 'spawn-default-stream');
    assert.is(r.received, BULK);
    assert.ok(r.maxQueued < MAX_QUEUED, `${r.maxQueued} bytes queued in the Writable`);
    assert.ok(r.growth < MAX_GROWTH, `RSS grew by ${Math.round(r.growth / MiB)} MiB`);
  });

  for (const fd of [1, 3] as const)
    test(`system({ stdoutFh: ${fd} }) into a slowly read pipe: RSS stays bounded, fd ${fd} stays usable`, async () => {
      const r = await runClient(engine, `system-fd${fd}`);
      const before = fd === 1 ? 'before\n'.length : 0;
      assert.is(r.outBytes, before + BULK + 'after\n'.length);
      assert.ok(r.tail.endsWith('\0after\n'), 'the output, then what the client wrote to the fd after the command');
      assert.ok(r.growth < MAX_GROWTH, `RSS grew by ${Math.round(r.growth / MiB)} MiB`);
    });

  test('system() into the inherited stdout, a slowly read pipe: RSS stays bounded', async () => {
    const r = await runClient(engine, 'system-inherit');
    assert.is(r.outBytes, BULK);
    assert.ok(r.growth < MAX_GROWTH, `RSS grew by ${Math.round(r.growth / MiB)} MiB`);
  });

  test('a sink holding the output longer than the timeout: no OSSH_SLAVE_TIMEOUT (the silence is ours)', async () => {
    const ssh = connect(f, { engine });
    let got = 0;
    let stalled = false;
    const stalling = new Writable({
      write(chunk: Buffer, _enc, cb) {
        got += chunk.length;
        if (stalled) return cb();
        stalled = true;
        setTimeout(cb, 6000); // twice the timeout: generous, so a loaded machine's own gaps cannot pass for it
      },
    });
    const n = 16 * MiB; // more than the SSH window and the pipes hold: the server has to wait
    assert.is(await ssh.system({ stdoutFh: stalling, timeout: 3 }, `head -c ${n} /dev/zero`), true);
    await new Promise((resolve) => stalling.end(resolve));
    assert.is(got, n);
    await disconnectAll();
  });

  test.run();
}

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
