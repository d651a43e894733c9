import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenSSH, OpenSSHError } from '../../src/index';
import { scpGet, scpPut } from '../../src/transfers/scp';
import type { TransferProgress } from '../../src/transfers/progress';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';
import { sized } from '../helpers/sizes';

strict();
const f = await sharedSshd();
const test = suite('transfers: scp');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-scp-'));
chmodSync(scratch, 0o755);
let n = 0;
/** A fresh directory the remote account can write to. */
const dir = (name: string): string => {
  const d = join(scratch, `${++n}-${name}`);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o777);
  return d;
};
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const write = (p: string, data: Buffer | string) => {
  writeFileSync(p, data);
  chmodSync(p, 0o644);
};
/** name -> sha256 of every file under `root` (relative names), for tree comparisons. */
const tree = (root: string, rel = ''): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(root, r));
    else out[r] = sha(join(root, r));
  }
  return out;
};
const quiet = { stderrDiscard: true } as const;
let ssh: OpenSSH;

test.before(async () => {
  if (!f) return;
  ssh = connect(f);
  await ssh.waitForMaster();
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('single file: put then get, same sha256, progress events seen', async () => {
    const l = dir('local');
    const r = dir('remote');
    write(join(l, 'one.bin'), randomBytes(300_000));
    const events: TransferProgress[] = [];
    assert.is(await scpPut(ssh, { progress: (p) => events.push(p) }, join(l, 'one.bin'), join(r, 'one.bin')), true);
    assert.is(sha(join(r, 'one.bin')), sha(join(l, 'one.bin')));
    assert.ok(events.length >= 1, 'at least the final event');
    assert.equal(events.at(-1), { ...events.at(-1)!, bytes: 300_000, total: 300_000 });
    const back = dir('back');
    assert.is(await scpGet(ssh, {}, join(r, 'one.bin'), join(back, 'copy.bin')), true);
    assert.is(sha(join(back, 'copy.bin')), sha(join(l, 'one.bin')));
  });

  test('many files with globs: local glob for put, remote glob for get', async () => {
    const l = dir('local');
    const r = dir('remote');
    for (let i = 0; i < 12; i++) write(join(l, `f${i}.dat`), randomBytes(1000 + i));
    write(join(l, 'skip.txt'), 'not matched');
    await scpPut(ssh, { glob: true }, join(l, '*.dat'), r);
    assert.equal(
      readdirSync(r).sort(),
      readdirSync(l)
        .filter((x) => x.endsWith('.dat'))
        .sort(),
    );
    const back = dir('back');
    await scpGet(ssh, { glob: true }, join(r, 'f1*.dat'), back);
    assert.equal(readdirSync(back).sort(), ['f1.dat', 'f10.dat', 'f11.dat']);
    for (const x of readdirSync(back)) assert.is(sha(join(back, x)), sha(join(l, x)));
  });

  test('globFlags (put): dot and nocase change what the local pattern matches', async () => {
    const l = dir('gf-local');
    for (const x of ['a.dat', 'B.DAT', '.hidden.dat', 'c.txt']) write(join(l, x), x);
    const plain = dir('gf-plain');
    await scpPut(ssh, { glob: true }, join(l, '*.dat'), plain);
    assert.equal(readdirSync(plain).sort(), ['a.dat'], 'no flags: case-sensitive, dot files left out');
    const flagged = dir('gf-flagged');
    await scpPut(ssh, { glob: true, globFlags: { dot: true, nocase: true } }, join(l, '*.dat'), flagged);
    assert.equal(readdirSync(flagged).sort(), ['.hidden.dat', 'B.DAT', 'a.dat']);
    // `[a]` as a pattern matches only `a` (absent), never the file named `[a]`
    write(join(l, '[a]'), 'a file named like the pattern');
    const e = await rejects<OpenSSHError>(scpPut(ssh, { glob: true, ...quiet }, join(l, '[a]'), dir('gf-none')));
    assert.match(e.message, 'did not match any file');
    const nocheck = dir('gf-nocheck');
    await scpPut(ssh, { glob: true, globFlags: { nocheck: true } }, join(l, '[a]'), nocheck);
    assert.equal(readdirSync(nocheck), ['[a]'], 'nocheck: the unmatched pattern stands for itself');
  });

  test('verbose reaches scp (-v: its debug lines on stderr); by default scp is quiet', async () => {
    const l = dir('verbose');
    write(join(l, 'v.txt'), 'v');
    const loud = join(l, 'loud.err');
    await scpPut(ssh, { verbose: true, stderrFile: loud }, join(l, 'v.txt'), dir('verbose-to'));
    assert.match(readFileSync(loud, 'utf8'), /^(debug1|Executing): /m);
    const still = join(l, 'still.err');
    await scpPut(ssh, { stderrFile: still }, join(l, 'v.txt'), dir('quiet-to'));
    assert.is(readFileSync(still, 'utf8'), '');
  });

  test('without glob, wildcards and backslashes in remote names are literal', async () => {
    const r = dir('remote');
    write(join(r, 'a*b'), 'star');
    write(join(r, 'aXb'), 'x');
    write(join(r, 'back\\slash'), 'bs');
    write(join(r, '[x]'), 'brackets');
    const back = dir('back');
    await scpGet(ssh, {}, join(r, 'a*b'), join(r, 'back\\slash'), join(r, '[x]'), back);
    assert.equal(readdirSync(back).sort(), ['[x]', 'a*b', 'back\\slash']);
    assert.is(readFileSync(join(back, 'a*b'), 'utf8'), 'star');
  });

  test(
    'a directory tree with odd names (spaces, quotes, ' + 'newlines, UTF-8, leading dash) round trips recursively',
    async () => {
      const l = dir('local');
      const src = join(l, 'tree');
      const names = ['a b', "it's", 'say "hi"', 'new\nline', 'ünïcødé ☺', '-dash', '$HOME', 'semi;colon', 'x:y'];
      mkdirSync(join(src, 'sub dir', "it's deep"), { recursive: true });
      for (const [i, nm] of names.entries()) {
        write(join(src, nm), randomBytes(100 + i));
        write(join(src, 'sub dir', "it's deep", nm), randomBytes(50 + i));
      }
      const r = dir('remote');
      await scpPut(ssh, { recursive: true }, src, join(r, 'copy'));
      assert.equal(tree(join(r, 'copy')), tree(src));
      const back = dir('back');
      await scpGet(ssh, { recursive: true }, join(r, 'copy'), join(back, 'again'));
      assert.equal(tree(join(back, 'again')), tree(src));
    },
  );

  test('copyAttrs preserves mode and mtime both ways; without it the mtime is new', async () => {
    const l = dir('local');
    const p = join(l, 'attrs.txt');
    write(p, 'attributes');
    chmodSync(p, 0o640);
    const when = new Date('2001-02-03T04:05:06Z');
    utimesSync(p, when, when);
    const r = dir('remote');
    await scpPut(ssh, { copyAttrs: true }, p, join(r, 'kept.txt'));
    await scpPut(ssh, {}, p, join(r, 'plain.txt'));
    const kept = statSync(join(r, 'kept.txt'));
    assert.is(kept.mode & 0o777, 0o640);
    assert.is(Math.round(kept.mtimeMs / 1000), when.getTime() / 1000);
    assert.not.equal(Math.round(statSync(join(r, 'plain.txt')).mtimeMs / 1000), when.getTime() / 1000);
    const back = dir('back');
    await scpGet(ssh, { copyAttrs: true }, join(r, 'kept.txt'), join(back, 'kept.txt'));
    const b = statSync(join(back, 'kept.txt'));
    assert.is(b.mode & 0o777, 0o640);
    assert.is(Math.round(b.mtimeMs / 1000), when.getTime() / 1000);
  });

  test('bwlimit reaches scp (-l) and spreads the transfer over several progress events', async () => {
    const l = dir('local');
    const r = dir('remote');
    write(join(l, 'half.bin'), randomBytes(512 * 1024));
    const events: TransferProgress[] = [];
    const h = await scpPut(
      ssh,
      { async: true, bwlimit: 800, progress: (p) => events.push(p) },
      join(l, 'half.bin'),
      join(r, 'slow.bin'),
    );
    const argv = readFileSync(`/proc/${h.pid}/cmdline`, 'utf8').split('\0');
    assert.is(argv[argv.indexOf('-l') + 1], '800', argv.join(' '));
    await h.done;
    assert.is(sha(join(r, 'slow.bin')), sha(join(l, 'half.bin')));
    // 512 KiB at 800 Kbit/s: partial progress is seen on the way (an unthrottled copy on loopback shows none)
    assert.ok(
      events.some((e) => e.bytes > 0 && e.bytes < 512 * 1024),
      JSON.stringify(events),
    );
  });

  test('errors name the path; the master survives each', async () => {
    const r = dir('remote');
    const back = dir('back');
    const missing = join(r, 'no such file');
    const e1 = await rejects<OpenSSHError>(scpGet(ssh, quiet, missing, back));
    assert.instance(e1, OpenSSHError);
    assert.is(e1.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.ok(e1.message.includes(missing), e1.message);
    assert.match(e1.message, /No such file/);
    assert.is(e1.host, '127.0.0.1');
    assert.is(await ssh.checkMaster(), true);

    const secret = join(dir('secret'), 'secret.txt');
    writeFileSync(secret, 'root only', { mode: 0o600 });
    const e2 = await rejects<OpenSSHError>(scpGet(ssh, quiet, secret, back));
    assert.is(e2.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.ok(e2.message.includes(secret), e2.message);
    assert.match(e2.message, /Permission denied/);
    assert.is(await ssh.checkMaster(), true);

    const locked = join(scratch, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const e3 = await rejects<OpenSSHError>(scpPut(ssh, quiet, secret, join(locked, 'x')));
    assert.is(e3.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.ok(e3.message.includes(join(locked, 'x')), e3.message);
    assert.match(e3.message, /Permission denied/);

    const e6 = await rejects<OpenSSHError>(scpPut(ssh, { ...quiet, glob: true }, join(back, '*.none'), r));
    assert.is(e6.code, 'OSSH_SLAVE_FAILED');
    assert.match(e6.message, /did not match any file/);
    const e7 = await rejects<OpenSSHError>(scpPut(ssh, { ...quiet, scpCmd: '/nonexistent/scp' }, join(back, 'one'), r));
    assert.is(e7.code, 'OSSH_SLAVE_FAILED');
    assert.is(await ssh.checkMaster(), true);
  });

  test('several sources and a target that is not a directory: OSSH_INVALID_ARGUMENT before scp runs', async () => {
    const r = dir('remote');
    const back = dir('back');
    write(join(r, 'a'), 'a');
    write(join(r, 'b'), 'b');
    write(join(back, 'a-file'), 'file');
    for (const target of [join(back, 'not-a-dir'), join(back, 'a-file')]) {
      const e = await rejects<OpenSSHError>(scpGet(ssh, quiet, join(r, 'a'), join(r, 'b'), target));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
      assert.is(e.message, `scp: several sources need an existing local target directory, and "${target}" is not one`);
      assert.is(e.host, '127.0.0.1');
    }
    assert.equal(readdirSync(back), ['a-file']);
    assert.is(readFileSync(join(back, 'a-file'), 'utf8'), 'file');
    for (const [target, mode] of [
      [join(r, 'missing-dir'), 'sftp'],
      [join(r, 'a'), 'legacy'],
    ] as const) {
      const e = await rejects<OpenSSHError>(scpPut(ssh, { ...quiet, mode }, join(r, 'a'), join(r, 'b'), target));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
      assert.is(e.message, `scp: several sources need an existing remote target directory, and "${target}" is not one`);
    }
    assert.equal(readdirSync(r).sort(), ['a', 'b']);
    assert.is(readFileSync(join(r, 'a'), 'utf8'), 'a', 'the file given as target is untouched');
  });

  test('bad options are OSSH_INVALID_ARGUMENT before anything runs', async () => {
    for (const bad of [
      { bwlimit: -1 },
      { nope: 1 },
      { quiet: 'yes' },
      { mode: 'rcp' },
      { sshOpts: ['-l', 'bob'] },
      { sshOpts: ['-o', 'ControlPath=/x'] },
    ]) {
      const e = await rejects<OpenSSHError>(scpGet(ssh, bad as never, '/etc/hostname', scratch));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT', JSON.stringify(bad));
    }
  });

  test(
    'async: a handle with pid, progress$ and done; kill() ' + 'ends it with OSSH_ABORTED and the master survives',
    async () => {
      const l = dir('local');
      const r = dir('remote');
      write(join(l, 'slow.bin'), randomBytes(256 * 1024));
      const h = await scpPut(ssh, { async: true, bwlimit: 64 }, join(l, 'slow.bin'), join(r, 'slow.bin'));
      assert.type(h.pid, 'number');
      const seen: TransferProgress[] = [];
      h.progress$.subscribe((p) => seen.push(p));
      await new Promise((res) => setTimeout(res, 1500));
      h.kill();
      const e = await rejects<OpenSSHError>(h.done);
      assert.is(e.code, 'OSSH_ABORTED');
      assert.ok(
        seen.some((p) => p.bytes > 0 && p.total === 256 * 1024),
        JSON.stringify(seen.slice(-3)),
      );
      assert.is(await ssh.checkMaster(), true);
      const ok = await scpPut(ssh, { async: true }, join(l, 'slow.bin'), join(r, 'again.bin'));
      assert.is(await ok.done, true);
      assert.is(sha(join(r, 'again.bin')), sha(join(l, 'slow.bin')));
    },
  );

  test('timeout: a transfer that stops making progress ends with OSSH_SLAVE_TIMEOUT; the master survives', async () => {
    const l = dir('local');
    write(join(l, 'stall.bin'), randomBytes(256 * 1024));
    const h = await scpPut(
      ssh,
      { async: true, timeout: 1, bwlimit: 200, ...quiet },
      join(l, 'stall.bin'),
      join(dir('remote'), 'stall.bin'),
    );
    // stall the transfer for real: stop scp's own ssh process (its child), so no byte moves
    const { readFileSync: rf, readdirSync: rd } = await import('node:fs');
    const kids = () =>
      rd('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return rf(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(h.pid);
          } catch {
            return false;
          }
        })
        .map(Number);
    let child: number | undefined;
    for (let i = 0; i < 100 && child === undefined; i++) {
      child = kids()[0];
      if (child === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.type(child, 'number');
    process.kill(child!, 'SIGSTOP');
    try {
      const e = await rejects<OpenSSHError>(h.done);
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    } finally {
      try {
        process.kill(child!, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    assert.is(await ssh.checkMaster(), true);
  });

  test('stdout/stderr options: stderr to a file keeps the message there and on the error', async () => {
    const d = dir('out');
    const errFile = join(d, 'err.txt');
    const e = await rejects<OpenSSHError>(scpGet(ssh, { stderrFile: errFile }, '/nonexistent/zzz', d));
    assert.match(readFileSync(errFile, 'utf8'), '/nonexistent/zzz');
    assert.match(e.stderr ?? '', '/nonexistent/zzz');
  });

  const big = sized(1024, 16); // MiB; the quick suite's is small (test/helpers/sizes.ts)
  test(`large file round trip (${big} MiB) with progress`, async () => {
    const l = dir('local');
    const r = dir('remote');
    const p = join(l, 'big.bin');
    const chunk = randomBytes(1024 * 1024);
    const fd = (await import('node:fs')).openSync(p, 'w', 0o644);
    for (let i = 0; i < big; i++)
      (await import('node:fs')).writeSync(
        fd,
        chunk.map((b) => b ^ i),
      );
    (await import('node:fs')).closeSync(fd);
    const up: TransferProgress[] = [];
    await scpPut(ssh, { progress: (e) => up.push(e) }, p, join(r, 'big.bin'));
    assert.is(sha(join(r, 'big.bin')), sha(p));
    assert.is(up.at(-1)?.bytes, big * 1024 * 1024);
    const down: TransferProgress[] = [];
    const back = dir('back');
    await scpGet(ssh, { progress: (e) => down.push(e) }, join(r, 'big.bin'), back);
    assert.is(sha(join(back, 'big.bin')), sha(p));
    assert.ok(down.length > 0 && down.at(-1)!.bytes >= big * 1024 * 1024 * 0.9, JSON.stringify(down.at(-1)));
  });
}

test.run();
