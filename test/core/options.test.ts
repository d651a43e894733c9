import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeCtorOptions } from '../../src/core/options';
import { normalizeCallOptions } from '../../src/core/call-options';
import { OpenSSHError } from '../../src/core/errors';

const test = suite('core/options');

test('defaults', () => {
  const s = normalizeCtorOptions('h', {});
  assert.is(s.strictMode, true);
  assert.is(s.batchMode, false);
  assert.is(s.engine, 'auto');
  assert.is(s.maxSessions, 10);
  assert.is(s.remoteShell.name, 'POSIX');
  assert.is(s.argumentEncoding, 'utf8');
  assert.is(s.streamEncoding, 'utf8');
  assert.is(s.sshCmd, 'ssh');
});

test('destination values win over options', () => {
  const s = normalizeCtorOptions('a@h:22', { user: 'b', port: 23 });
  assert.is(s.user, 'a');
  assert.is(s.port, 22);
});

const BAD_CTOR: Array<[object, RegExp]> = [
  [{ bogus: 1 }, /unknown option `bogus`/],
  [{ bogus: 1, other: 2 }, /unknown options `bogus`, `other`/],
  [{ port: 'x' }, /port/],
  [{ port: 0 }, /port/],
  [{ user: '-oProxyCommand=x' }, /begin with "-"/],
  [{ timeout: 0 }, /timeout/],
  [{ timeout: '5' }, /timeout/],
  [{ batchMode: 'yes' }, /batchMode/],
  [{ engine: 'turbo' }, /engine/],
  [{ masterOpts: [1] }, /masterOpts/],
  [{ externalMaster: true }, /ctlPath/],
  [{ ctlDir: 'a\0b' }, /NUL/],
  [{ maxSessions: 0 }, /maxSessions/],
];
for (const [opts, re] of BAD_CTOR)
  test(`constructor rejects ${JSON.stringify(opts)}`, () => {
    try {
      normalizeCtorOptions('h', opts);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, OpenSSHError);
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      assert.match((e as Error).message, re);
    }
  });

test('options with undefined values are ignored, as in Net::OpenSSH', () => {
  assert.not.throws(() => normalizeCtorOptions('h', { bogus: undefined }));
});

const BAD_CALL: Array<[string, object, RegExp]> = [
  // capture returns stdout: Net::OpenSSH refuses it too
  ['capture', { stdoutFile: '/x' }, /unknown option `stdoutFile`/],
  ['system', { separator: ';' }, /unknown option `separator`/],
  ['system', { stdinData: 5 }, /stdinData/],
  ['system', { stdoutFh: 'x' }, /stdoutFh/],
  ['system', { stdoutFile: '' }, /stdoutFile/],
  ['system', { stdoutDiscard: true, stdoutFile: '/x' }, /conflicting stdout/],
  ['system', { stderrDiscard: true, stderrToStdout: true }, /conflicting stderr/],
  ['system', { env: { 'A B': 'x' } }, /env/],
  ['system', { signal: {} }, /AbortSignal/],
  ['openEx', { stdinoutSocket: {}, stdinPipe: true }, /stdinoutSocket/],
];
for (const [method, opts, re] of BAD_CALL)
  test(`${method} rejects ${JSON.stringify(opts)}`, () =>
    assert.throws(() => normalizeCallOptions(method as 'system', opts), re));

test.run();
