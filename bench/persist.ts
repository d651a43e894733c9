// npm run bench:persist: time to ready for many hosts, fresh masters against persistent ones found
// again (the second run of a script, the next CLI call), in one run against one private sshd.
// The "hosts" are distinct connections to that sshd: each gets a harmless ssh option of its own
// (ConnectTimeout=30+i), which gives it its own persistent master, as a distinct host would.
//   BENCH_HOSTS=50  connections      BENCH_ROUNDS=3  rounds of each phase (medians)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, type OpenSSHOptions } from '../src/index';
import { startSshd } from '../test/fixtures/sshd';
import { median } from './stats';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const f = await startSshd();
if (!f) {
  console.error('bench: sshd is needed (Debian package openssh-server)');
  process.exit(1);
}
const ctlDir = mkdtempSync(join(tmpdir(), 'nos-bench-persist-'));
const hostOptions = (i: number, persist: boolean): OpenSSHOptions =>
  f.options({
    ctlDir,
    masterOpts: ['-F', f.configPath, '-o', `ConnectTimeout=${30 + i}`],
    ...(persist ? { persist: '10m' } : {}),
  });

/** Opens HOSTS connections at once; ms until every one is ready, and each one's own time to ready. */
const connectAll = async (persist: boolean): Promise<{ all: number; each: number[]; conns: OpenSSH[] }> => {
  const t0 = performance.now();
  const conns = Array.from({ length: HOSTS }, (_, i) => new OpenSSH(f.destination, hostOptions(i, persist)));
  const each = await Promise.all(conns.map((c) => c.waitForMaster().then(() => performance.now() - t0)));
  return { all: performance.now() - t0, each, conns };
};

const samples = {
  fresh: [] as number[],
  persisted: [] as number[],
  freshEach: [] as number[],
  persistedEach: [] as number[],
};
try {
  console.log(`net-openssh bench:persist: ${HOSTS} hosts, ${ROUNDS} rounds; ${process.version}; user ${f.user}`);
  // the persistent masters' first start (what the first run of a script pays), not counted below
  const first = await connectAll(true);
  console.log(`  first run, starting ${HOSTS} persistent masters: ${first.all.toFixed(0)} ms`);
  await Promise.all(first.conns.map((c) => c.disconnect())); // lets go: the masters stay
  for (let r = 0; r < ROUNDS; r++) {
    const fresh = await connectAll(false);
    samples.fresh.push(fresh.all);
    samples.freshEach.push(median(fresh.each));
    await Promise.all(fresh.conns.map((c) => c.disconnect()));
    const again = await connectAll(true);
    if (new Set(again.conns.map((c) => c.masterPid)).size !== HOSTS)
      throw new Error('the persisted run did not find one master per host');
    samples.persisted.push(again.all);
    samples.persistedEach.push(median(again.each));
    await Promise.all(again.conns.map((c) => c.disconnect()));
  }
  const [fresh, persisted] = [median(samples.fresh), median(samples.persisted)];
  console.log(`\ntime to ready, ${HOSTS} hosts at once (median of ${ROUNDS})`);
  console.log(
    `  fresh masters        ${fresh.toFixed(1).padStart(8)} ms   ` +
      `(median host ${median(samples.freshEach).toFixed(1)} ms)`,
  );
  console.log(
    `  persisted masters    ${persisted.toFixed(1).padStart(8)} ms   ` +
      `(median host ${median(samples.persistedEach).toFixed(1)} ms)`,
  );
  console.log(`  fresh / persisted    ${(fresh / persisted).toFixed(1).padStart(8)} x`);
} finally {
  const stopped = await OpenSSH.stopPersistentMasters({ ctlDir });
  console.log(`\n(${stopped.length} persistent masters stopped)`);
  rmSync(ctlDir, { recursive: true, force: true });
  await f.stop();
}
