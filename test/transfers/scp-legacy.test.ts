// scp legacy mode (`scp -O`, paths through the remote shell) end to end: names that need quoting (spaces,
// quotes, wildcards, non-ASCII, a leading dash) arrive as they are both ways, a name with a newline (which
// the protocol would change to `a\^Jb`) is refused before anything runs, and glob gets still expand.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { scpGet, scpPut } from '../../src/transfers/scp';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-scp-legacy-'));
chmodSync(scratch, 0o755);
let n = 0;
/** A fresh directory the remote account can write to. */
const dir = (name: string): string => {
  const d = join(scratch, `${++n}-${name}`);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o777);
  return d;
};
const write = (p: string, data: string) => {
  writeFileSync(p, data);
  chmodSync(p, 0o644);
};
const legacy = { mode: 'legacy', stderrDiscard: true } as const;
// every one needs quoting for the remote shell; each failed before -T ("filename does not match request")
const NAMES = ['s p.log', "it's", 'a*b', '[x]', '{a,b}', 'q?', 'ünïcødé ☺', '$HOME', 'semi;colon', 'back\\slash'];

for (const engine of ENGINES) {
  const test = suite(`transfers: scp legacy mode (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    if (!f) return;
    ssh = connect(f, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test('get: each name that needs quoting, one at a time into a directory, arrives exact', async () => {
    const r = dir('remote');
    for (const name of NAMES) write(join(r, name), `content of ${name}`);
    write(join(r, 'aXb'), 'must not come: a*b is literal');
    for (const name of NAMES) {
      const back = dir('back');
      await scpGet(ssh, legacy, join(r, name), back);
      assert.equal(readdirSync(back), [name], name);
      assert.is(readFileSync(join(back, name), 'utf8'), `content of ${name}`);
    }
  });

  test('get: several such names in one call, and one to a file name of its own', async () => {
    const r = dir('remote');
    for (const name of NAMES) write(join(r, name), `content of ${name}`);
    const back = dir('back');
    await scpGet(ssh, legacy, ...NAMES.map((x) => join(r, x)), back);
    assert.equal(readdirSync(back).sort(), [...NAMES].sort());
    for (const name of NAMES) assert.is(readFileSync(join(back, name), 'utf8'), `content of ${name}`);
    const renamed = dir('renamed');
    await scpGet(ssh, legacy, join(r, 's p.log'), join(renamed, 'ü copy'));
    assert.is(readFileSync(join(renamed, 'ü copy'), 'utf8'), 'content of s p.log');
  });

  test('put: the same names, one at a time and together, and a remote target that needs quoting', async () => {
    const l = dir('local');
    for (const name of NAMES) write(join(l, name), `content of ${name}`);
    const r = dir('remote');
    for (const name of NAMES) await scpPut(ssh, legacy, join(l, name), join(r, name));
    assert.equal(readdirSync(r).sort(), [...NAMES].sort());
    const many = join(dir('remote'), "target dir ü's");
    mkdirSync(many);
    chmodSync(many, 0o777);
    await scpPut(ssh, legacy, ...NAMES.map((x) => join(l, x)), many);
    assert.equal(readdirSync(many).sort(), [...NAMES].sort());
    for (const name of NAMES) assert.is(readFileSync(join(many, name), 'utf8'), `content of ${name}`);
  });

  test('a relative remote path beginning with a dash is a path, not an scp option', async () => {
    const home = await ssh.capture('pwd');
    const name = `-da sh ${engine} ${process.pid}`;
    const remotePath = join(home.trim(), name);
    try {
      const l = dir('local');
      write(join(l, 'x'), 'dash');
      await scpPut(ssh, legacy, join(l, 'x'), name);
      assert.is(readFileSync(remotePath, 'utf8'), 'dash');
      const back = dir('back');
      await scpGet(ssh, legacy, name, back);
      assert.equal(readdirSync(back), [name]);
    } finally {
      await ssh.system({ stderrDiscard: true }, 'rm', '-f', '--', remotePath);
    }
  });

  test('glob get expands remote wildcards, also in a directory or a pattern that needs quoting', async () => {
    const r = dir('remote');
    for (const x of ['f1.dat', 'f2.dat', 'g.dat']) write(join(r, x), x);
    const back = dir('back');
    await scpGet(ssh, { ...legacy, glob: true }, join(r, 'f*.dat'), back);
    assert.equal(readdirSync(back).sort(), ['f1.dat', 'f2.dat']);
    const spaced = join(dir('remote'), "dir with space, it's");
    mkdirSync(spaced);
    for (const x of ['s p1.log', 's p2.log', 'x.log', 's p.txt']) write(join(spaced, x), x);
    const all = dir('back');
    await scpGet(ssh, { ...legacy, glob: true }, join(spaced, '*.log'), all);
    assert.equal(readdirSync(all).sort(), ['s p1.log', 's p2.log', 'x.log']);
    const some = dir('back');
    await scpGet(ssh, { ...legacy, glob: true }, join(spaced, 's p*.log'), some);
    assert.equal(readdirSync(some).sort(), ['s p1.log', 's p2.log']);
    for (const x of readdirSync(some)) assert.is(readFileSync(join(some, x), 'utf8'), x);
  });

  test('a newline in a name: OSSH_INVALID_ARGUMENT before anything runs; sftp mode carries it', async () => {
    const l = dir('local');
    const r = dir('remote');
    const nl = 'new\nline';
    write(join(l, nl), 'nl');
    write(join(r, nl), 'nl');
    const tree = join(l, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    write(join(tree, 'sub', nl), 'deep');
    const back = dir('back');
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['put source', () => scpPut(ssh, legacy, join(l, nl), r)],
      ['put target', () => scpPut(ssh, legacy, join(l, 'tree', 'sub', nl), join(r, 'x\ny'))],
      ['recursive put, a name inside', () => scpPut(ssh, { ...legacy, recursive: true }, tree, r)],
      ['get source', () => scpGet(ssh, legacy, join(r, nl), back)],
      ['get target', () => scpGet(ssh, legacy, join(r, nl), join(back, 'a\nb'))],
    ];
    for (const [what, call] of calls) {
      const e = await rejects<OpenSSHError>(call());
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT', what);
      assert.match(e.message, /legacy mode cannot transfer "[^"]*\\n/, what);
      assert.match(e.message, /use mode: 'sftp'/, what);
    }
    assert.equal(readdirSync(r), [nl], 'nothing was written remotely');
    assert.equal(readdirSync(back), []);
    // what legacy mode would have done: the name changed on the way
    await scpPut(ssh, { stderrDiscard: true }, join(l, nl), join(dir('sftp'), nl));
    const viaSftp = dir('sftp-get');
    await scpGet(ssh, { stderrDiscard: true }, join(r, nl), viaSftp);
    assert.equal(readdirSync(viaSftp), [nl]);
    assert.not.ok(existsSync(join(viaSftp, 'new\\^Jline')));
  });

  test.run();
}

const cleanup = suite('transfers: scp legacy mode (cleanup)');
cleanup('scratch removed', () => rmSync(scratch, { recursive: true, force: true }));
cleanup.run();
