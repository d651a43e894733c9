import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { controlArgs, masterArgs, serverAliveInterval } from '../../src/core/master-args';
import { normalizeCtorOptions } from '../../src/core/options';

const test = suite('core/master-args');
const args = (dest: string, o: object = {}) => masterArgs(normalizeCtorOptions(dest, o), '/c/ctl');

test('plain key login', () => {
  assert.equal(args('u@h:2222'), [
    '-o',
    'ServerAliveInterval=30',
    '-o',
    'ControlPersist=no',
    '-o',
    'SendEnv=*',
    '-MNax',
    '-S',
    '/c/ctl',
    '-l',
    'u',
    '-p',
    '2222',
    '--',
    'h',
  ]);
});

test('masterOpts first (ssh keeps the first value), then ours', () => {
  const a = args('h', { masterOpts: ['-o', 'ServerAliveInterval=5'] });
  assert.equal(a.slice(0, 4), ['-o', 'ServerAliveInterval=5', '-o', 'ServerAliveInterval=30']);
});

test('batchMode, keyPath (IdentitiesOnly), proxyCommand, forwarding, timeout', () => {
  const a = args('h', {
    batchMode: true,
    keyPath: '/k',
    proxyCommand: 'nc %h %p',
    forwardAgent: true,
    forwardX11: true,
    timeout: 10,
  });
  assert.equal(a, [
    '-o',
    'ServerAliveInterval=4',
    '-o',
    'ControlPersist=no',
    '-o',
    'SendEnv=*',
    '-MNAX',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentityFile="/k"',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ProxyCommand=nc %h %p',
    '-o',
    'PreferredAuthentications=publickey',
    '-S',
    '/c/ctl',
    '--',
    'h',
  ]);
});

test('a password: no BatchMode, one prompt, and never the password itself', () => {
  const a = args('u:topsecret@h', { batchMode: true });
  assert.not.ok(a.includes('-o') && a.includes('BatchMode=yes'));
  assert.ok(a.includes('NumberOfPasswordPrompts=1'));
  assert.ok(a.includes('PreferredAuthentications=keyboard-interactive,password'));
  assert.not.ok(a.join(' ').includes('topsecret'));
});

test('the destination always follows --', () => {
  const a = args('h');
  assert.equal(a.slice(-2), ['--', 'h']);
});

test('serverAliveInterval is a third of the timeout', () => {
  assert.is(serverAliveInterval(undefined), 30);
  assert.is(serverAliveInterval(1), 1);
  assert.is(serverAliveInterval(30), 10);
});

test('control commands', () => {
  assert.equal(controlArgs(normalizeCtorOptions('u@h:22', { defaultSshOpts: ['-F', 'cfg'] }), '/c', 'check'), [
    '-F',
    'cfg',
    '-O',
    'check',
    '-T',
    '-S',
    '/c',
    '-l',
    'u',
    '-p',
    '22',
    '--',
    'h',
  ]);
});

test.run();
