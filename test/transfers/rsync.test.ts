import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { rsyncGet, rsyncPut } from '../../src/transfers/rsync';
import type { TransferProgress } from '../../src/transfers/progress';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { rejects, strict } from '../helpers/setup';
import { sized } from '../helpers/sizes';
import { execFileSync } from 'node:child_process';

strict();
const f = await sharedSshd();
const hasRsync = (() => {
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ready = f !== undefined && requirePrereq(hasRsync, 'rsync (Debian package rsync)');
const test = suite('transfers: rsync');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-rsync-'));
chmodSync(scratch, 0o755);
let n = 0;
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
const tree = (root: string, rel = ''): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(root, r));
    else out[r] = sha(join(root, r));
  }
  return out;
};
let ssh: OpenSSH;

test.before(async () => {
  if (!ready) return;
  ssh = connect(f!);
  await ssh.waitForMaster();
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (ready) {
  test('single file put and get, same sha256', async () => {
    const l = dir('local');
    const r = dir('remote');
    write(join(l, 'one.bin'), randomBytes(200_000));
    assert.is(await rsyncPut(ssh, {}, join(l, 'one.bin'), join(r, 'one.bin')), true);
    assert.is(sha(join(r, 'one.bin')), sha(join(l, 'one.bin')));
    const back = dir('back');
    assert.is(await rsyncGet(ssh, {}, join(r, 'one.bin'), join(back, 'x.bin')), true);
    assert.is(sha(join(back, 'x.bin')), sha(join(l, 'one.bin')));
  });

  test('a tree with odd names round trips (archive mode through an option key)', async () => {
    const src = join(dir('local'), 'tree');
    const names = [
      'a b',
      "it's",
      'say "hi"',
      'new\nline',
      'ünïcødé ☺',
      '-dash',
      '$HOME',
      'semi;colon',
      'x:y',
      'star*',
      'back\\slash',
    ];
    mkdirSync(join(src, 'sub dir', "it's deep"), { recursive: true });
    for (const [i, nm] of names.entries()) {
      write(join(src, nm), randomBytes(100 + i));
      write(join(src, 'sub dir', "it's deep", nm), randomBytes(50 + i));
    }
    const r = dir("remote it's odd");
    await rsyncPut(ssh, { archive: true }, `${src}/`, join(r, 'copy dir'));
    assert.equal(tree(join(r, 'copy dir')), tree(src));
    const back = dir('back');
    await rsyncGet(ssh, { recursive: true }, `${join(r, 'copy dir')}/`, join(back, 'again'));
    assert.equal(tree(join(back, 'again')), tree(src));
  });

  test('globs: remote pattern for get, local pattern for put; without glob a * is literal', async () => {
    const l = dir('local');
    for (let i = 0; i < 6; i++) write(join(l, `f${i}.dat`), randomBytes(500 + i));
    write(join(l, 'other.txt'), 'x');
    const r = dir('remote');
    await rsyncPut(ssh, { glob: true }, join(l, '*.dat'), `${r}/`);
    assert.equal(readdirSync(r).sort(), ['f0.dat', 'f1.dat', 'f2.dat', 'f3.dat', 'f4.dat', 'f5.dat']);
    const back = dir('back');
    await rsyncGet(ssh, { glob: true }, join(r, 'f[0-2].dat'), back);
    assert.equal(readdirSync(back).sort(), ['f0.dat', 'f1.dat', 'f2.dat']);
    write(join(r, 'a*b'), 'star');
    write(join(r, 'aXb'), 'x');
    const lit = dir('literal');
    await rsyncGet(ssh, {}, join(r, 'a*b'), lit);
    assert.equal(readdirSync(lit), ['a*b']);
  });

  test('option mapping: exclude (string and array) has its effect; safeLinks/noPerms reach the argv', async () => {
    const src = join(dir('local'), 'src');
    mkdirSync(src);
    for (const nm of ['keep.txt', 'drop.txt~', 'also.bak', 'keep2.c']) write(join(src, nm), nm);
    const r = dir('remote');
    await rsyncPut(ssh, { recursive: true, exclude: '*~' }, `${src}/`, join(r, 'one'));
    assert.equal(readdirSync(join(r, 'one')).sort(), ['also.bak', 'keep.txt', 'keep2.c']);
    await rsyncPut(ssh, { recursive: true, exclude: ['*~', '*.bak'] }, `${src}/`, join(r, 'two'));
    assert.equal(readdirSync(join(r, 'two')).sort(), ['keep.txt', 'keep2.c']);
    // the argv, as rsync itself reports it with --dry-run -vv is noisy: use a wrapper that prints its argv
    const wrapper = join(scratch, 'rsync-argv.sh');
    writeFileSync(wrapper, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    await rsyncPut(
      ssh,
      {
        rsyncCmd: wrapper,
        stdoutFh: out,
        safeLinks: true,
        no_perms: true,
        exclude: ['*~', 'x y'],
        delete: false,
        maxSize: '1m',
      },
      join(src, 'keep.txt'),
      join(r, 'z z'),
    );
    const argv = text.split('\n').filter(Boolean);
    assert.ok(argv.includes('--safe-links'), text);
    assert.ok(argv.includes('--no-perms'), text);
    assert.ok(argv.includes('--exclude=*~') && argv.includes('--exclude=x y'), text);
    assert.ok(argv.includes('--max-size=1m'), text);
    assert.not.ok(
      argv.some((a) => a.startsWith('--delete')),
      text,
    );
    assert.ok(argv.includes('--old-args'), text);
    assert.is(argv[0], '-e');
    assert.ok(argv[1]!.includes(` -S ${ssh.getCtlPath()} -o ControlMaster=no -o ProxyCommand=false `), argv[1]);
    assert.is(argv.at(-1), `127.0.0.1:'${join(r, 'z z')}'`);
    for (const bad of [{ rsh: 'x' }, { protectArgs: true }, { 'no-old-args': true }, { exclude: { a: 1 } }]) {
      const e = await rejects<OpenSSHError>(rsyncPut(ssh, bad as never, join(src, 'keep.txt'), r));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT', JSON.stringify(bad));
    }
  });

  test('copyAttrs preserves mode and mtime (-pt)', async () => {
    const l = dir('local');
    const p = join(l, 'attrs.txt');
    write(p, 'attributes');
    chmodSync(p, 0o604);
    const when = new Date('2002-03-04T05:06:07Z');
    utimesSync(p, when, when);
    const r = dir('remote');
    await rsyncPut(ssh, { copyAttrs: true }, p, join(r, 'kept.txt'));
    const st = statSync(join(r, 'kept.txt'));
    assert.is(st.mode & 0o777, 0o604);
    assert.is(Math.round(st.mtimeMs / 1000), when.getTime() / 1000);
  });

  test('bwlimit reaches rsync and spreads the transfer over several progress events', async () => {
    const l = dir('local');
    const r = dir('remote');
    write(join(l, 'half.bin'), randomBytes(512 * 1024));
    const events: TransferProgress[] = [];
    const h = await rsyncPut(
      ssh,
      { async: true, bwlimit: 100, progress: (p) => events.push(p) },
      join(l, 'half.bin'),
      join(r, 'slow.bin'),
    );
    assert.ok(
      readFileSync(`/proc/${h.pid}/cmdline`, 'utf8').split('\0').includes('--bwlimit=100'),
      'bwlimit is given to rsync as is (KiB/s)',
    );
    await h.done;
    assert.is(sha(join(r, 'slow.bin')), sha(join(l, 'half.bin')));
    assert.ok(events.length >= 2, JSON.stringify(events));
    assert.ok(
      events.some((e) => e.bytes > 0 && e.bytes < 512 * 1024),
      `a throttled transfer reports partial progress: ${JSON.stringify(events)}`,
    );
    assert.is(events.at(-1)!.bytes, 512 * 1024);
    assert.is(events.at(-1)!.total, 512 * 1024);
  });

  test('errors name the path and rsync exit meaning; the master survives', async () => {
    const back = dir('back');
    const missing = join(scratch, 'no such dir', 'file');
    const e1 = await rejects<OpenSSHError>(rsyncGet(ssh, { stderrDiscard: true }, missing, back));
    assert.is(e1.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.ok(e1.message.includes(missing), e1.message);
    assert.is(e1.exitCode, 23);
    assert.match(e1.message, 'partial transfer');
    const locked = join(scratch, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    write(join(back, 'f'), 'f');
    const e2 = await rejects<OpenSSHError>(rsyncPut(ssh, { stderrDiscard: true }, join(back, 'f'), join(locked, 'f')));
    assert.is(e2.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.match(e2.message, /Permission denied/);
    assert.ok(e2.message.includes(join(locked, 'f')), e2.message);
    assert.is(await ssh.checkMaster(), true);
  });

  const big = sized(1024, 16); // MiB; the quick suite's is small (test/helpers/sizes.ts)
  test(`large file round trip (${big} MiB) with progress`, async () => {
    const l = dir('local');
    const p = join(l, 'big.bin');
    const chunk = randomBytes(1024 * 1024);
    const fd = openSync(p, 'w', 0o644);
    for (let i = 0; i < big; i++)
      writeSync(
        fd,
        chunk.map((b) => b ^ i),
      );
    closeSync(fd);
    const r = dir('remote');
    const up: TransferProgress[] = [];
    await rsyncPut(ssh, { progress: (e) => up.push(e) }, p, join(r, 'big.bin'));
    assert.is(sha(join(r, 'big.bin')), sha(p));
    assert.is(up.at(-1)?.bytes, big * 1024 * 1024);
    const back = dir('back');
    const h = await rsyncGet(ssh, { async: true, progress: true }, join(r, 'big.bin'), back);
    const down: TransferProgress[] = [];
    h.progress$.subscribe((e) => down.push(e));
    assert.is(await h.done, true);
    assert.is(sha(join(back, 'big.bin')), sha(p));
    assert.is(down.at(-1)?.bytes, big * 1024 * 1024);
  });
}

test.run();
