import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeCtorOptions } from '../../../src/core/options';
import { masterArgs } from '../../../src/core/master-args';
import { OpenSSHError } from '../../../src/core/errors';

const test = suite('core/persist: the persist option in the connection settings');

test('persist becomes ControlPersist seconds on the master; without it the master is ControlPersist=no', () => {
  const s = normalizeCtorOptions('h', { persist: '10m' });
  assert.is(s.persist, 600);
  assert.ok(masterArgs(s, '/c/p-x').join(' ').includes('-o ControlPersist=600'));
  const plain = normalizeCtorOptions('h', {});
  assert.is(plain.persist, undefined);
  assert.ok(masterArgs(plain, '/c/ctl').join(' ').includes('-o ControlPersist=no'));
  assert.is(normalizeCtorOptions('h', { persist: false }).persist, undefined);
});

test('a persistent connection runs commands with the spawn engine unless told otherwise', () => {
  assert.is(normalizeCtorOptions('h', { persist: 60 }).engine, 'spawn');
  assert.is(normalizeCtorOptions('h', { persist: 60, engine: 'mux' }).engine, 'mux');
  assert.is(normalizeCtorOptions('h', { persist: 60, engine: 'auto' }).engine, 'auto');
  assert.is(normalizeCtorOptions('h', {}).engine, 'auto');
});

test('persist with externalMaster is refused (the master is either shared by key or given)', () => {
  try {
    normalizeCtorOptions('h', { persist: 60, externalMaster: true, ctlPath: '/c/x' });
  } catch (e) {
    assert.instance(e, OpenSSHError);
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    assert.match((e as Error).message, /either `persist` or `externalMaster`/);
    return;
  }
  assert.unreachable('accepted');
});

test.run();
