// Load on each engine: 10,000 sequential commands and 5,000 with 50 in flight leave no growth in open
// fds, child processes or heap after GC; 200 masters open and close cleanly; 2 GiB through capture$
// keeps RSS bounded. The quick suite (test/helpers/sizes.ts) runs 200 of each, 20 masters and 64 MiB.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OpenSSH, type OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { childProcesses, fdKinds, openFds, sshProcessesWith } from '../helpers/processes';
import { eventually, strict } from '../helpers/setup';
import { GiB, MiB, sized } from '../helpers/sizes';

strict();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const SEQUENTIAL = sized(10_000, 200);
const PARALLEL = sized(5_000, 200);
const IN_FLIGHT = 50;
const MASTERS = sized(200, 20);
const BULK = sized(2 * GiB, 64 * MiB);

const test = suite('e2e: load');
// every ssh -S slave of the spawn engine takes a session: allow 50 in flight and more
const f = await startSshd({ maxSessions: 64 });
test.after(async () => {
  await disconnectAll();
  await f?.stop();
});

/** Our child processes other than the test sshd. */
const ours = () => childProcesses().filter((p) => p.pid !== f?.pid);

const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** fds, children and heap before and after `work`, asserted flat within margins. */
const noGrowth = async (label: string, ssh: OpenSSH, work: () => Promise<void>) => {
  for (let i = 0; i < 50; i++) await ssh.capture('true'); // warm up lazily created handles
  const before = new Set(ours().map((p) => p.pid));
  const fds0 = openFds();
  const kinds0 = fdKinds();
  const heap0 = heapMiB();
  const t0 = Date.now();
  await work();
  const ms = Date.now() - t0;
  const extra = () => ours().filter((p) => !before.has(p.pid));
  await eventually(() => extra().length === 0, 2000);
  const zombies = ours().filter((p) => p.state === 'Z');
  assert.equal(zombies, [], 'no zombie children');
  assert.equal(extra(), [], 'no child process left behind');
  const fds1 = openFds();
  const heap1 = heapMiB();
  assert.ok(fds1 - fds0 <= 2, `fds ${fds0} -> ${fds1}: ${JSON.stringify(kinds0)} -> ${JSON.stringify(fdKinds())}`);
  assert.ok(heap1 - heap0 < 16, `heap after GC ${heap0.toFixed(1)} -> ${heap1.toFixed(1)} MiB`);
  console.log(`    ${label}: ${ms} ms, fds ${fds0} -> ${fds1}, heap ${heap0.toFixed(1)} -> ${heap1.toFixed(1)} MiB`);
};

if (f) {
  for (const engine of ENGINES) {
    test(`${SEQUENTIAL} sequential commands: nothing grows (${engine})`, async () => {
      const ssh = connect(f, { engine, maxSessions: 64 });
      await ssh.waitForMaster();
      await noGrowth(`${engine}: ${SEQUENTIAL} sequential`, ssh, async () => {
        for (let i = 0; i < SEQUENTIAL; i++) {
          const out = await ssh.capture('echo', String(i));
          if (out !== `${i}\n`) assert.unreachable(`command ${i} returned ${JSON.stringify(out)}`);
        }
      });
      await ssh.disconnect();
    });

    test(`${PARALLEL} commands with ${IN_FLIGHT} in flight: all right, nothing grows (${engine})`, async () => {
      const ssh = connect(f, { engine, maxSessions: 64 });
      await ssh.waitForMaster();
      await noGrowth(`${engine}: ${PARALLEL} with ${IN_FLIGHT} in flight`, ssh, async () => {
        let next = 0;
        const worker = async () => {
          while (next < PARALLEL) {
            const i = next++;
            const out = await ssh.capture('echo', String(i));
            if (out !== `${i}\n`) assert.unreachable(`command ${i} returned ${JSON.stringify(out)}`);
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      });
      await ssh.disconnect();
    });

    test(`${BULK >> 20} MiB through capture$ with bounded RSS (${engine})`, async () => {
      const ssh = connect(f, { engine });
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      let got = 0;
      await new Promise<void>((resolve, reject) =>
        ssh.capture$(`head -c ${BULK} /dev/zero`).subscribe({
          next: (c) => {
            got += c.length;
            if ((got & 0xffffff) < c.length) peak = Math.max(peak, process.memoryUsage().rss);
          },
          error: reject,
          complete: resolve,
        }),
      );
      assert.is(got, BULK);
      const growth = (peak - rss0) / 2 ** 20;
      console.log(`    ${engine}: ${Math.round(BULK / 2 ** 20)} MiB via capture$, RSS growth ${growth.toFixed(0)} MiB`);
      assert.ok(growth < 200, `RSS grew ${growth.toFixed(0)} MiB`);
      await ssh.disconnect();
    });
  }

  test(`${MASTERS} concurrent masters open, run, and close cleanly`, async () => {
    const before = new Set(ours().map((p) => p.pid));
    const conns = Array.from({ length: MASTERS }, () => new OpenSSH(f.destination, f.options({ timeout: 60 })));
    try {
      const results = await Promise.allSettled(conns.map((c) => c.waitForMaster()));
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(
        failed.map((r) => (r.reason as OpenSSHError).message),
        [],
        'every master connected',
      );
      const outs = await Promise.all(conns.map((c, i) => c.capture('echo', String(i))));
      assert.equal(
        outs,
        conns.map((_, i) => `${i}\n`),
      );
    } finally {
      await Promise.all(conns.map((c) => c.disconnect()));
    }
    const left = conns.flatMap((c) => sshProcessesWith(c.getCtlPath() ?? '\0none'));
    assert.equal(left, [], 'no master process left');
    assert.ok(await eventually(() => ours().every((p) => before.has(p.pid)), 2000), 'no child process left');
  });
}

test.run();
