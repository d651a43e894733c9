import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCtlPath, insecurePath, MAX_CTL_PATH, newCtlPath, prepareCtlDir } from '../../src/core/ctl-path';

const test = suite('core/ctl-path');
const base = mkdtempSync(join(tmpdir(), 'nos-ctl-'));
test.after(() => rmSync(base, { recursive: true, force: true }));

test('prepareCtlDir creates the directory 0700 and accepts it', () => {
  const d = join(base, 'a', 'ctl');
  assert.is(prepareCtlDir(d, true), undefined);
  assert.is(statSync(d).mode & 0o777, 0o700);
});

test('group- or world-writable directories are refused, sticky ones accepted', () => {
  const d = join(base, 'w');
  mkdirSync(d);
  chmodSync(d, 0o770);
  assert.match(insecurePath(d)!, /writable by its group/);
  chmodSync(d, 0o707);
  assert.match(insecurePath(d)!, /writable by others/);
  chmodSync(d, 0o1777);
  assert.is(insecurePath(d), undefined);
  assert.is(insecurePath('/tmp'), undefined);
  const e = prepareCtlDir(join(d, 'inner'), true); // created inside a sticky dir: fine
  assert.is(e, undefined);
  chmodSync(d, 0o777);
  assert.match(prepareCtlDir(join(d, 'inner'), true)!.message, /not secure/);
  assert.is(prepareCtlDir(join(d, 'inner'), false), undefined);
});

test('a directory owned by another user is refused', () => {
  const d = join(base, 'foreign');
  mkdirSync(d);
  if (process.getuid?.() === 0) {
    chownSync(d, 4242, 4242);
    assert.match(insecurePath(d)!, /owned by uid 4242, neither you \(uid 0\)/);
  } else assert.match(insecurePath(d, 4242)!, /neither you \(uid 4242\)/);
});

test('a ctlDir that is a file is refused with or without strictMode', () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  for (const strict of [true, false])
    assert.match(prepareCtlDir(file, strict)!.message, /cannot hold control sockets: it is not a directory/);
});

test('ctl paths: new ones are unused and short; length and type checks', () => {
  const p = newCtlPath(base);
  assert.ok(p.startsWith(base));
  assert.ok(Buffer.byteLength(p) < MAX_CTL_PATH);
  assert.is(checkCtlPath(p, false), undefined);
  assert.match(checkCtlPath(p, true)!.message, /does not exist/);
  assert.match(checkCtlPath(`/${'x'.repeat(MAX_CTL_PATH)}`, false)!.message, /too long/);
  const file = join(base, 'plain');
  writeFileSync(file, '');
  assert.match(checkCtlPath(file, false)!.message, /already exists/);
  assert.match(checkCtlPath(file, true)!.message, /not point to a socket/);
});

test('a directory or path ssh would read with ${...} in it (e.g. from $HOME) is refused before ssh starts', () => {
  const d = join(base, 'env-${HOME}');
  assert.match(prepareCtlDir(d, true)!.message, /cannot hold control sockets: it holds "\$\{"/);
  assert.not.ok(existsSync(d), 'nothing was created');
  assert.match(checkCtlPath(join(base, 'x${HOME}'), false)!.message, /unable to use ctlPath .*: it holds "\$\{"/);
});

test.run();
