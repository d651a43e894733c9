// get / put against the real sshd: many small files and one big file round-tripped with checksums,
// progress events, the partial-file policy, cancellation, and errors naming their paths.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSH } from '../../src/index';
import { sftp, type SftpError, type SftpClient, type TransferProgress } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';
import { GiB, MiB, sized } from '../helpers/sizes';

strict();
const f = await sharedSshd();
const test = suite('sftp: transfers');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-xfer-'));
chmodSync(scratch, 0o777); // the remote account (netossh when we run as root) writes here
const BIG = sized(GiB, 32 * MiB); // the quick suite's is small (test/helpers/sizes.ts)
let ssh: OpenSSH;
let c: SftpClient;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const shaFile = async (p: string) => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(p, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
};
/** Writes `size` random bytes to `p` in 1 MiB pieces and returns their sha256. */
const bigFile = (p: string, size: number): string => {
  const h = createHash('sha256');
  const fd = openSync(p, 'w');
  for (let left = size; left > 0; ) {
    const piece = randomBytes(Math.min(left, 1 << 20));
    writeSync(fd, piece);
    h.update(piece);
    left -= piece.length;
  }
  closeSync(fd);
  return h.digest('hex');
};
const limit = async <T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> => {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
};

test.before(async () => {
  if (!f) return;
  ssh = connect(f);
  await ssh.waitForMaster();
  c = await sftp(ssh);
});
test.after(async () => {
  await c?.end();
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('200 small files put and got back with equal checksums (several transfers at once on one session)', async () => {
    const src = join(scratch, 'small-src');
    const remote = join(scratch, 'small-remote');
    const back = join(scratch, 'small-back');
    mkdirSync(src);
    mkdirSync(back);
    await c.mkdir(remote, { mode: 0o777 });
    // 0 .. ~19 KB, odd names
    const files = Array.from({ length: 200 }, (_, i) => ({ name: `f ${i}'ü`, data: randomBytes(i * 97) }));
    for (const x of files) writeFileSync(join(src, x.name), x.data);
    const put = await limit(
      8,
      files.map((x) => () => c.put(join(src, x.name), join(remote, x.name)).done),
    );
    assert.equal(
      put.map((r) => r.bytes),
      files.map((x) => x.data.length),
    );
    assert.is((await c.readdirAll(remote)).length, 200);
    await limit(
      8,
      files.map((x) => () => c.get(join(remote, x.name), join(back, x.name)).done),
    );
    for (const x of files) {
      assert.is(sha(readFileSync(join(remote, x.name))), sha(x.data), x.name);
      assert.is(sha(readFileSync(join(back, x.name))), sha(x.data), x.name);
    }
  });

  test(`one big file (${BIG / 1024 / 1024} MiB): put and get with progress events, sha256 equal`, async () => {
    const local = join(scratch, 'big.bin');
    const remote = join(scratch, 'big-remote.bin');
    const back = join(scratch, 'big-back.bin');
    const want = bigFile(local, BIG);
    const up = c.put(local, remote, { progressInterval: 20 });
    const upEvents = lastValueFrom(up.progress$.pipe(toArray()));
    const upResult = await up;
    const events: TransferProgress[] = await upEvents;
    assert.is(upResult.bytes, BIG);
    assert.ok(events.length >= 3, `${events.length} events`);
    assert.equal(events[0], { ...events[0]!, bytes: 0, total: BIG });
    const last = events[events.length - 1]!;
    assert.is(last.bytes, BIG);
    assert.is(last.total, BIG);
    assert.ok(last.rate > 0);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.bytes >= events[i - 1]!.bytes, 'bytes never go back');
    assert.ok(
      events.some((e) => e.bytes > 0 && e.bytes < BIG),
      'an event in the middle',
    );
    assert.is(statSync(remote).size, BIG);

    const seen: TransferProgress[] = [];
    const down = c.get(remote, back, { progressInterval: 20 });
    down.subscribe((e) => seen.push(e));
    const downResult = await down;
    assert.is(downResult.bytes, BIG);
    assert.ok(
      seen.length >= 3 && seen[seen.length - 1]!.bytes === BIG && seen.some((e) => e.bytes > 0 && e.bytes < BIG),
    );
    assert.is(await shaFile(back), want);
    assert.is(await shaFile(remote), want);
    rmSync(local);
    rmSync(back);
    rmSync(remote);
    assert.is(await ssh.checkMaster(), true);
  });

  test('sizes around the request size: 0, 1, chunk-1, chunk, chunk+1, several chunks with small requests', async () => {
    const chunk = 1000;
    for (const size of [0, 1, chunk - 1, chunk, chunk + 1, 7 * chunk + 3]) {
      const data = randomBytes(size);
      const local = join(scratch, `s${size}`);
      writeFileSync(local, data);
      await c.put(local, join(scratch, `s${size}-r`), { chunkSize: chunk, concurrency: 3 });
      await c.get(join(scratch, `s${size}-r`), join(scratch, `s${size}-b`), { chunkSize: chunk, concurrency: 3 });
      assert.is(sha(readFileSync(join(scratch, `s${size}-b`))), sha(data), `size ${size}`);
    }
  });

  test('get of a file whose size stat does not know (/proc): read until EOF', async () => {
    const local = join(scratch, 'cpuinfo');
    const r = await c.get('/proc/self/status', local, { chunkSize: 64, concurrency: 4 });
    const text = readFileSync(local, 'utf8');
    assert.ok(r.bytes > 64 && text.length === r.bytes, `${r.bytes}`);
    assert.match(text, /^Name:/);
  });

  test('preserve: mode and times copied both ways', async () => {
    const local = join(scratch, 'pres');
    writeFileSync(local, 'p');
    chmodSync(local, 0o640);
    utimesSync(local, 1_234_567_890, 1_300_000_000);
    await c.put(local, join(scratch, 'pres-r'), { preserve: true });
    const r = statSync(join(scratch, 'pres-r'));
    assert.is(r.mode & 0o777, 0o640);
    assert.is(Math.floor(r.mtimeMs / 1000), 1_300_000_000);
    await c.get(join(scratch, 'pres-r'), join(scratch, 'pres-b'), { preserve: true });
    const b = statSync(join(scratch, 'pres-b'));
    assert.is(b.mode & 0o777, 0o640);
    assert.is(Math.floor(b.mtimeMs / 1000), 1_300_000_000);
    assert.is(Math.floor(b.atimeMs / 1000), Math.floor(r.atimeMs / 1000));
  });

  test(
    'get /nope: error names the remote path and "No such ' + 'file"; no local file created; progress$ errors too',
    async () => {
      const local = join(scratch, 'never');
      const h = c.get('/nope', local);
      const viaProgress = lastValueFrom(h.progress$).then(
        () => undefined,
        (e: unknown) => e,
      );
      const e = await rejects<SftpError>(h.done);
      assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
      assert.is(e.path, '/nope');
      assert.is(e.statusName, 'NO_SUCH_FILE');
      assert.match(e.message, 'No such file');
      assert.is(await viaProgress, e);
      assert.not.ok(existsSync(local));
      const dir = await rejects<SftpError>(c.get(scratch, join(scratch, 'never2')).done);
      assert.match(dir.message, 'is a directory');
      assert.not.ok(existsSync(join(scratch, 'never2')));
    },
  );

  test('put errors: missing local file names the local path; unwritable remote names the remote path', async () => {
    const e = await rejects<SftpError>(c.put(join(scratch, 'no-such-local'), join(scratch, 'x')).done);
    assert.is(e.local, true);
    assert.is(e.path, join(scratch, 'no-such-local'));
    assert.match(e.message, 'ENOENT');
    writeFileSync(join(scratch, 'src1'), 'data');
    const r = await rejects<SftpError>(c.put(join(scratch, 'src1'), '/nope/dir/file').done);
    assert.is(r.path, '/nope/dir/file');
    assert.is(r.statusName, 'NO_SUCH_FILE');
    const bad = await rejects<{ code: string }>(
      c.put(join(scratch, 'src1'), join(scratch, 'y'), { concurrency: 0 }).done,
    );
    assert.is(bad.code, 'OSSH_INVALID_ARGUMENT');
    assert.not.ok(existsSync(join(scratch, 'y')));
  });

  test('get into a local directory that does not exist: local error, remote handle closed, session fine', async () => {
    writeFileSync(join(scratch, 'src2'), 'data');
    const e = await rejects<SftpError>(c.get(join(scratch, 'src2'), join(scratch, 'no', 'dir', 'x')).done);
    assert.is(e.local, true);
    assert.is(e.path, join(scratch, 'no', 'dir', 'x'));
    assert.ok((await c.stat(scratch)).isDirectory());
  });

  test('cancel: rejects with OSSH_ABORTED, partial files removed (or kept with keepPartial)', async () => {
    const local = join(scratch, 'cancel.bin');
    bigFile(local, 16 * 1024 * 1024);
    const up = c.put(local, join(scratch, 'cancel-r'), { chunkSize: 4096, concurrency: 2 });
    let cancelled = false;
    let progressError: unknown;
    up.subscribe({
      next: (e) => {
        if (e.bytes > 0 && !cancelled) {
          cancelled = true;
          up.cancel();
        }
      },
      error: (err: unknown) => (progressError = err),
    });
    const e = await rejects<{ code: string }>(up.done);
    assert.is(e.code, 'OSSH_ABORTED');
    assert.is(progressError, e);
    assert.not.ok(existsSync(join(scratch, 'cancel-r')));

    const ac = new AbortController();
    const down = c.get(join(scratch, 'src2'), join(scratch, 'cancel-b'), { signal: ac.signal, keepPartial: true });
    ac.abort();
    assert.is((await rejects<{ code: string }>(down.done)).code, 'OSSH_ABORTED');

    // keepPartial: the partial remote file stays
    const up2 = c.put(local, join(scratch, 'cancel-kept'), { chunkSize: 4096, concurrency: 2, keepPartial: true });
    let once = false;
    up2.subscribe({
      next: (ev) => {
        if (ev.bytes > 0 && !once) {
          once = true;
          up2.cancel();
        }
      },
      error: () => {},
    });
    await rejects(up2.done);
    assert.ok(existsSync(join(scratch, 'cancel-kept')));
    assert.ok(statSync(join(scratch, 'cancel-kept')).size < 16 * 1024 * 1024);
    assert.ok((await c.stat(scratch)).isDirectory());
  });

  test('the master is alive after all of it', async () => {
    assert.is(await ssh.checkMaster(), true);
    assert.is((await ssh.capture('echo ok')).trim(), 'ok');
  });
}

test.run();
