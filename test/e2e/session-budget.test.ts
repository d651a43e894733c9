// Both engines draw on one count of the server's sessions (MaxSessions): slaves of the spawn engine
// beyond it wait instead of failing with exit 255, and mixing engines on one master never goes over.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSHError, OpenSSH } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { eventually, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: sessions shared by both engines');
const MAX = 4;
const LIMIT = MAX - 1; // one below the server's, as the engines keep it
const f = await startSshd({ maxSessions: MAX });
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-budget-'));
chmodSync(scratch, 0o777); // the remote account (another user when we run as root) would write here
test.after(async () => {
  await disconnectAll();
  await f?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Running `ssh -S` slaves of this control path (not the master). */
const slaves = (ctlPath: string): number => {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0] === 'ssh' && argv.includes(ctlPath) && argv.includes('ControlMaster=no')) n++;
    } catch {
      // gone
    }
  }
  return n;
};

/** Samples `count()` every few ms while `p` runs; the highest value seen. */
const peakDuring = async <T>(p: Promise<T>, count: () => number): Promise<[T, number]> => {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, count())), 5);
  try {
    return [await p, peak];
  } finally {
    clearInterval(timer);
  }
};

const echoes = (ssh: OpenSSH, n: number, opts: object) =>
  Promise.all(Array.from({ length: n }, (_, i) => ssh.capture(opts, `sleep 0.2; echo ${i}`)));
const expected = (n: number) => Array.from({ length: n }, (_, i) => `${i}\n`);

if (f) {
  test(
    // biome-ignore lint/style/useTemplate: the title is split to keep the line within 120 characters
    `spawn engine: 16 commands against MaxSessions ` + `${MAX} all succeed, at most ${LIMIT} slaves at once`,
    async () => {
      const ssh = connect(f, { engine: 'spawn', maxSessions: MAX });
      await ssh.waitForMaster();
      const [outs, peak] = await peakDuring(echoes(ssh, 16, {}), () => slaves(ssh.getCtlPath()!));
      assert.equal(outs, expected(16));
      assert.ok(peak <= LIMIT, `peak ${peak} slaves`);
      assert.ok(peak >= 2, `slaves did run side by side (peak ${peak})`);
    },
  );

  test(
    // biome-ignore lint/style/useTemplate: the title is split to keep the line within 120 characters
    `auto: mux and spawn commands mixed on one master ` + `never exceed MaxSessions ${MAX}; the master survives`,
    async () => {
      const ssh = connect(f, { maxSessions: MAX, muxPrestart: true });
      await ssh.waitForMaster();
      const pid = ssh.masterPid;
      // a per-call sshOpts sends a call to the spawn engine; the rest go through the mux engine
      const viaSpawn = { sshOpts: ['-o', 'LogLevel=ERROR'] };
      const [outs, peak] = await peakDuring(Promise.all([echoes(ssh, 10, viaSpawn), echoes(ssh, 10, {})]), () =>
        slaves(ssh.getCtlPath()!),
      );
      assert.equal(outs, [expected(10), expected(10)]);
      assert.ok(peak <= LIMIT, `peak ${peak} slaves`);
      assert.ok(await ssh.checkMaster());
      assert.is(ssh.masterPid, pid);
      // with no slave waiting, the mux engine keeps its warm session again, still prestarted (closing warm
      // sessions to make room for slaves is no sign of a shell that cannot be prestarted)
      await ssh.capture('true');
      const stats = () =>
        (ssh as unknown as { engines: { muxStats(): { warm: boolean; prestart: boolean } } }).engines.muxStats();
      assert.ok(await eventually(() => stats().warm));
      assert.ok(stats().prestart);
    },
  );

  test(
    'a warm session given back (to a waiting slave, or to a command) ' +
      'before its shell started does not turn prestarting off',
    async () => {
      const ssh = connect(f, { maxSessions: 2, muxPrestart: true }); // room for one session: the warm one, or a slave
      const stats = () =>
        (ssh as unknown as { engines: { muxStats(): { warm: boolean; prestart: boolean } } }).engines.muxStats();
      await ssh.capture('true'); // the mux engine now opens its warm session...
      // ...which a slave takes over at once
      assert.is(await ssh.capture({ sshOpts: ['-o', 'LogLevel=ERROR'] }, 'echo slave'), 'slave\n');
      assert.is(await ssh.capture('echo mux'), 'mux\n'); // the warm shell, not ready yet, is given back to it
      assert.ok(stats().prestart, 'still prestarting');
    },
  );

  test('a waiting slave that is cancelled never starts; the others run', async () => {
    const ssh = connect(f, { engine: 'spawn', maxSessions: MAX });
    await ssh.waitForMaster();
    const busy = Array.from({ length: LIMIT }, () => ssh.capture('sleep 0.5; echo busy'));
    await eventually(() => slaves(ssh.getCtlPath()!) === LIMIT);
    const ac = new AbortController();
    const marker = join(scratch, 'ran');
    const waiting = ssh.capture({ signal: ac.signal }, 'touch', marker);
    assert.is(slaves(ssh.getCtlPath()!), LIMIT, 'the extra one waits without a process');
    ac.abort();
    await rejects<OpenSSHError>(waiting, (e) => e.code === 'OSSH_ABORTED');
    assert.equal(await Promise.all(busy), Array(LIMIT).fill('busy\n'));
    // a later command starts in the freed session: the cancelled one, queued first, would have run before it
    const later = await lastValueFrom(ssh.exec$('echo later').pipe(toArray()));
    assert.equal(
      later.map((e) => e.type),
      ['stdout', 'exit'],
    );
    assert.not.ok(existsSync(marker), 'the cancelled command never ran');
  });

  test('the master dies while slaves wait: every one fails with OSSH_MASTER_FAILED', async () => {
    const ssh = connect(f, { engine: 'spawn', maxSessions: MAX });
    await ssh.waitForMaster();
    const all = Array.from({ length: LIMIT + 3 }, () => ssh.capture({ stderrDiscard: true }, 'sleep 5'));
    await eventually(() => slaves(ssh.getCtlPath()!) === LIMIT);
    process.kill(ssh.masterPid!, 'SIGKILL');
    const results = await Promise.allSettled(all);
    for (const r of results) {
      assert.is(r.status, 'rejected');
      assert.is(((r as PromiseRejectedResult).reason as OpenSSHError).code, 'OSSH_MASTER_FAILED');
    }
  });
}

test.run();
