import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gatewayArgs } from '../../../src/core/login/gateway';
import { masterArgs } from '../../../src/core/master-args';
import { normalizeCtorOptions } from '../../../src/core/options';
import type { OpenSSHError } from '../../../src/core/errors';

const test = suite('core/login: gateway, forwarding and secret options in argv');
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as OpenSSHError).code;
  }
  return undefined;
};

test('jump hosts become -J, nearest first', () => {
  assert.equal(gatewayArgs({ proxy: 'u@jump:2222' }), ['-J', 'u@jump:2222']);
  assert.equal(gatewayArgs({ proxies: ['ssh://a@j1', 'j2:22'] }), ['-J', 'ssh://a@j1,j2:22']);
  assert.equal(gatewayArgs({ proxy: '[::1]:22' }), ['-J', '[::1]:22']);
});

test('HTTP and SOCKS proxies become a netcat ProxyCommand; a proxyCommand is used as is', () => {
  assert.equal(gatewayArgs({ proxies: 'http://proxy:3128' }), ['-o', 'ProxyCommand=nc -X connect -x proxy:3128 %h %p']);
  assert.equal(gatewayArgs({ proxies: ['socks5://127.0.0.1:1080'] }), [
    '-o',
    'ProxyCommand=nc -X 5 -x 127.0.0.1:1080 %h %p',
  ]);
  assert.equal(gatewayArgs({ proxyCommand: 'corkscrew p 80 %h %p' }), ['-o', 'ProxyCommand=corkscrew p 80 %h %p']);
});

test('bad gateways are OSSH_INVALID_ARGUMENT', () => {
  for (const g of [
    { proxy: '-oProxyCommand=evil' },
    { proxy: 'a b' },
    { nope: 1 },
    'u@h',
    { proxies: ['http://p:1', 'http://q:2'] },
    { proxy: 'j', proxyCommand: 'x' },
    { proxies: ['http://p:1', 'j'] },
  ])
    assert.is(
      code(() => gatewayArgs(g)),
      'OSSH_INVALID_ARGUMENT',
      JSON.stringify(g),
    );
  assert.is(
    code(() => normalizeCtorOptions('h', { gateway: { proxy: 'j' }, proxyCommand: 'x' })),
    'OSSH_INVALID_ARGUMENT',
  );
});

test('the master argv carries the gateway, X11 and agent flags', () => {
  const a = masterArgs(
    normalizeCtorOptions('h', { gateway: { proxy: 'j:2' }, forwardX11: true, forwardAgent: true }),
    '/c',
  );
  assert.ok(a.includes('-MNAX'));
  assert.equal(a.slice(a.indexOf('-J'), a.indexOf('-J') + 2), ['-J', 'j:2']);
  assert.ok(a.indexOf('-J') < a.indexOf('--'));
});

test('a passphrase: key, publickey only, one prompt; never with forwardAgent', () => {
  const a = masterArgs(normalizeCtorOptions('h', { keyPath: '/k', passphrase: 'pp-secret', batchMode: true }), '/c');
  assert.ok(a.includes('PreferredAuthentications=publickey'));
  assert.ok(a.includes('NumberOfPasswordPrompts=1'));
  assert.not.ok(a.includes('BatchMode=yes'));
  assert.not.ok(a.join(' ').includes('pp-secret'));
  assert.is(
    code(() => normalizeCtorOptions('h', { passphrase: 'x', forwardAgent: true })),
    'OSSH_INVALID_ARGUMENT',
  );
});

test('login options are validated', () => {
  assert.is(
    code(() => normalizeCtorOptions('h', { passwordPrompt: 3 as never })),
    'OSSH_INVALID_ARGUMENT',
  );
  assert.is(
    code(() => normalizeCtorOptions('h', { loginHandler: 'x' as never })),
    'OSSH_INVALID_ARGUMENT',
  );
  assert.is(
    code(() => normalizeCtorOptions('h', { masterStderrFh: {} as never })),
    'OSSH_INVALID_ARGUMENT',
  );
  assert.is(
    code(() => normalizeCtorOptions('h', { password: 'a\rb' })),
    'OSSH_INVALID_ARGUMENT',
  );
  const s = normalizeCtorOptions('u:pw-xyz@h', { passwordPrompt: /x/, masterPtyForce: true, masterSetpgrp: true });
  assert.is(String(s.password), '[secret]');
  assert.is(s.password!.reveal(), 'pw-xyz');
  assert.is(s.dest.password, undefined);
  assert.not.ok(JSON.stringify(s).includes('pw-xyz'));
});

test.run();
