import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { normalizeCtorOptions } from '../../../src/core/options';
import { PERSISTENT_NAME, persistentCtlPath } from '../../../src/core/persist/persist-key';
import { MAX_CTL_PATH } from '../../../src/core/ctl-path';
import type { OpenSSHOptions } from '../../../src/index';

const test = suite('core/persist/persist-key');
const DIR = '/run/user/1000/ctl';
const BASE: OpenSSHOptions = { masterOpts: ['-F', '/etc/ssh/cfg'], persist: '10m' };
const pathOf = (dest: string, extra: OpenSSHOptions = {}) =>
  persistentCtlPath(DIR, normalizeCtorOptions(dest, { ...BASE, ...extra }));
const base = pathOf('deploy@web1:22');

test('the path is ctlDir/p-<24 hex>, short enough for a socket inside the default ctlDir', () => {
  assert.ok(base.startsWith(`${DIR}/`));
  assert.ok(PERSISTENT_NAME.test(base.slice(DIR.length + 1)), base);
  const inHome = persistentCtlPath(join(homedir(), '.net-openssh'), normalizeCtorOptions('h', {}));
  assert.ok(Buffer.byteLength(inHome) <= MAX_CTL_PATH, inHome);
});

test('the same options give the same path (deterministic, any process)', () => {
  assert.is(pathOf('deploy@web1:22'), base);
  assert.is(pathOf('web1', { user: 'deploy', port: 22 }), base); // the same connection spelt differently
});

const CHANGES: Array<[string, string, OpenSSHOptions?]> = [
  ['host', 'deploy@web2:22'],
  ['user', 'root@web1:22'],
  ['port', 'deploy@web1:2222'],
  ['no port given', 'deploy@web1'],
  ['keyPath', 'deploy@web1:22', { keyPath: '/home/me/.ssh/id_other' }],
  ['masterOpts', 'deploy@web1:22', { masterOpts: ['-F', '/etc/ssh/cfg', '-o', 'Compression=yes'] }],
  ['ssh config file', 'deploy@web1:22', { masterOpts: ['-F', '/etc/ssh/other'] }],
  ['sshCmd', 'deploy@web1:22', { sshCmd: '/opt/openssh/bin/ssh' }],
  ['gateway', 'deploy@web1:22', { gateway: { proxy: 'jump@bastion' } }],
  ['proxyCommand', 'deploy@web1:22', { proxyCommand: 'nc %h %p' }],
  ['forwardAgent', 'deploy@web1:22', { forwardAgent: true }],
  ['forwardX11', 'deploy@web1:22', { forwardX11: true }],
];
test('each connection-relevant option gives another path, all different', () => {
  const seen = new Map<string, string>([[base, 'base']]);
  for (const [what, dest, extra] of CHANGES) {
    const p = pathOf(dest, extra);
    assert.ok(!seen.has(p), `${what} gives the same path as ${seen.get(p)}`);
    seen.set(p, what);
  }
});

test('options that do not change the connection keep the path (secrets are never part of it)', () => {
  for (const extra of [
    { timeout: 5 },
    { batchMode: true },
    { defaultSshOpts: ['-o', 'Compression=yes'] },
    { persist: 30 },
    { engine: 'spawn' as const },
    { password: 'hunter2' },
    { forwardAgent: false },
  ])
    assert.is(pathOf('deploy@web1:22', extra), base, JSON.stringify(extra));
});

test('a relative keyPath counts as the absolute file it names', () => {
  assert.is(
    pathOf('deploy@web1:22', { keyPath: 'id_x' }),
    pathOf('deploy@web1:22', { keyPath: join(process.cwd(), 'id_x') }),
  );
});

test('a keyPath under ~ counts as the file in the home directory, from any working directory', () => {
  const home = pathOf('deploy@web1:22', { keyPath: '~/.ssh/id_x' });
  const bob = pathOf('deploy@web1:22', { keyPath: '~bob/id' });
  assert.is(home, pathOf('deploy@web1:22', { keyPath: join(userInfo().homedir, '.ssh/id_x') }));
  const cwd = process.cwd();
  process.chdir(tmpdir());
  try {
    assert.is(pathOf('deploy@web1:22', { keyPath: '~/.ssh/id_x' }), home, 'the same from another directory');
    assert.is(pathOf('deploy@web1:22', { keyPath: '~bob/id' }), bob, '~user/ too');
  } finally {
    process.chdir(cwd);
  }
  assert.is.not(pathOf('deploy@web1:22', { keyPath: '~bob/id' }), pathOf('deploy@web1:22', { keyPath: '~/id' }));
});

test.run();
