import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenSSHError } from '../../src/core/errors';
import { controlArgs, masterArgs } from '../../src/core/master-args';
import { normalizeCtorOptions } from '../../src/core/options';
import { slaveArgs, slaveCommand } from '../../src/core/slave-args';
import { checkSshPath, sshControlPath, sshIdentityFile } from '../../src/core/ssh-path';

const test = suite('core/ssh-path');

const invalid = (e: unknown) => e instanceof OpenSSHError && e.code === 'OSSH_INVALID_ARGUMENT';

// What ssh turns these back into was checked with ssh itself (`ssh -S <arg> -O check` names the path it tried):
// `%%` -> `%`, while `%h` is the host, `%b` an error, `${HOME}` the home directory, `~/x` under it.
const CONTROL: [string, string][] = [
  ['/c/ctl', '/c/ctl'],
  ['/tmp/a%%b/ctl', '/tmp/a%%%%b/ctl'],
  ['/tmp/a%h/ctl-%C', '/tmp/a%%h/ctl-%%C'],
  ['/tmp/100%/s', '/tmp/100%%/s'],
  ['rel/ctl', './rel/ctl'],
  ['~/ctl', './~/ctl'],
  ['none', './none'],
];

for (const [path, arg] of CONTROL) test(`control path ${path} -> ${arg}`, () => assert.is(sshControlPath(path), arg));

const IDENTITY: [string, string][] = [
  ['/k', 'IdentityFile="/k"'],
  ['/keys/id%h%%', 'IdentityFile="/keys/id%%h%%%%"'],
  ['~/.ssh/id_ed25519', 'IdentityFile="~/.ssh/id_ed25519"'],
  ['/a b/#c"d\\e', 'IdentityFile="/a b/#c\\"d\\\\e"'],
];

for (const [path, arg] of IDENTITY)
  test(`identity file ${path} -> ${arg}`, () => assert.is(sshIdentityFile(path), arg));

test('${ has no escape in ssh: refused in ctlDir, ctlPath and keyPath, naming the option', () => {
  for (const name of ['ctlDir', 'ctlPath', 'keyPath'])
    assert.throws(
      () => normalizeCtorOptions('h', { [name]: '/tmp/${HOME}/x' }),
      (e: unknown) => invalid(e) && (e as Error).message.startsWith(`\`${name}\` holds "\${"`),
      name,
    );
  assert.throws(() => sshControlPath('/a/${X}'), invalid);
  assert.throws(() => sshIdentityFile('/a/${X}'), invalid);
  assert.throws(() => checkSshPath('keyPath', '/a\nb', true), invalid);
  assert.is(checkSshPath('ctlDir', '/a/$HOME/{x}'), '/a/$HOME/{x}'); // only `${` expands
});

test('every argv we build passes the paths escaped: master, control commands, slaves, tools', () => {
  const s = normalizeCtorOptions('u@h', { keyPath: '/k/%h' });
  const m = masterArgs(s, '/d%h/ctl');
  assert.equal(m.slice(m.indexOf('-S'), m.indexOf('-S') + 2), ['-S', '/d%%h/ctl']);
  assert.ok(m.includes('IdentityFile="/k/%%h"'));
  assert.not.ok(m.includes('-i'));
  const c = controlArgs(s, '/d%h/ctl', 'check');
  assert.equal(c.slice(c.indexOf('-S'), c.indexOf('-S') + 2), ['-S', '/d%%h/ctl']);
  const dest = ['--', 'h'];
  assert.equal(slaveArgs({ kind: 'exec', command: 'x', stdin: 'pipe' }, '/d%h/ctl', dest, []).slice(0, 2), [
    '-S',
    '/d%%h/ctl',
  ]);
  const sc = slaveCommand({
    sshCmd: 'ssh',
    ctlPath: '/d%h/ctl',
    host: 'h',
    user: undefined,
    port: undefined,
    destination: dest,
    defaultSshOpts: [],
  });
  assert.equal(sc.sshArgvNoHost.slice(0, 3), ['ssh', '-S', '/d%%h/ctl']);
  assert.is(sc.ctlPath, '/d%h/ctl'); // the path itself, for tools that escape it their own way (scp's -o ControlPath)
});

test.run();
