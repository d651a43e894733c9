// The quoting module as the connection uses it: remoteShell (constructor and per call), variable
// expansion, argument encodings and byte arguments, shellQuote as static and instance method.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenSSH, OpenSSHError, raw } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: quoting through the connection');
const f = await sharedSshd();
test.after(disconnectAll);

const invalid = (fn: () => unknown, re: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, OpenSSHError);
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    assert.match((e as OpenSSHError).message, re);
    return;
  }
  assert.unreachable('no error thrown');
};

test('shellQuote: static for POSIX, instance for the connection’s remoteShell', () => {
  assert.is(OpenSSH.shellQuote('a b', "c'd", raw('>/dev/null')), `'a b' c\\'d >/dev/null`);
  assert.is(OpenSSH.shellQuoteGlob('*.txt', 'x y'), `*.txt x' y'`);
  const csh = new OpenSSH('h', { connect: false, remoteShell: 'tcsh' });
  assert.is(csh.shellQuote('a!b'), `'a\\!b'`);
  const chained = new OpenSSH('h', { connect: false, remoteShell: 'MSCmd,MSWin' });
  assert.is.not(chained.shellQuote('a b&c'), OpenSSH.shellQuote('a b&c'));
});

test('bad remoteShell / encodings fail at once with OSSH_INVALID_ARGUMENT', () => {
  invalid(() => new OpenSSH('h', { connect: false, remoteShell: 'powershell' }), /unknown remote shell "powershell"/);
  invalid(() => new OpenSSH('h', { connect: false, defaultArgumentEncoding: 'utf16le' }), /defaultArgumentEncoding/);
  invalid(
    () => new OpenSSH('h', { connect: false, defaultStreamEncoding: 'no-such-encoding' }),
    /defaultStreamEncoding/,
  );
});

if (f) {
  test('per-call remoteShell changes the quoting of that call only', async () => {
    const ssh = connect(f);
    const line = await ssh.makeRemoteCommand({ remoteShell: 'csh' }, 'echo', 'a!b');
    assert.is(line.at(-1), `echo 'a\\!b'`);
    assert.is((await ssh.makeRemoteCommand('echo', 'a!b')).at(-1), `echo 'a!b'`);
    await rejects<OpenSSHError>(
      ssh.capture({ remoteShell: 'nope' } as never, 'true'),
      (e) => e.code === 'OSSH_INVALID_ARGUMENT',
    );
  });

  test('expandVars: %HOST% %USER% %PORT%, setVar/getVar, %% and unknown names; off by default', async () => {
    const ssh = connect(f, { expandVars: true, vars: { DIR: '/tmp', N: 7 } });
    assert.is(ssh.getVar('HOST'), '127.0.0.1');
    assert.is(ssh.getVar('PORT'), String(f.port));
    ssh.setVar('GREETING', 'hi there');
    const out = await ssh.capture('echo', '%USER%@%HOST%:%PORT%', '%DIR%', '%N%', '%GREETING%', '100%%', '[%NOPE%]');
    assert.is(out, `${f.user}@127.0.0.1:${f.port} /tmp 7 hi there 100% []\n`);
    ssh.setExpandVars(false);
    assert.is(await ssh.capture('echo', '%HOST%'), '%HOST%\n');
    const plain = connect(f);
    assert.is(await plain.capture('echo', '%HOST%'), '%HOST%\n');
    invalid(() => ssh.setVar('not a name', 'x'), /variable name/);
  });

  test(
    'argumentEncoding latin1 sends latin1 bytes (mux); ' + 'an unencodable character fails before anything runs',
    async () => {
      const ssh = connect(f, { engine: 'mux' });
      const hex = await ssh.capture({ argumentEncoding: 'latin1' }, 'printf', '%s', 'café', raw('| od -An -tx1'));
      assert.is(hex.trim(), '63 61 66 e9');
      const utf8 = await ssh.capture('printf', '%s', 'é', raw('| od -An -tx1'));
      assert.is(utf8.trim(), 'c3 a9');
      await rejects<OpenSSHError>(
        ssh.capture({ argumentEncoding: 'latin1' }, 'echo', '€'),
        (e) => e.code === 'OSSH_ENCODING_ERROR' && /U\+20AC/.test(e.message),
      );
    },
  );

  test('the spawn engine refuses non-UTF-8 command bytes with a clear error', async () => {
    const ssh = connect(f, { engine: 'spawn' });
    await rejects<OpenSSHError>(
      ssh.capture({ argumentEncoding: 'latin1' }, 'echo', 'café'),
      (e) => e.code === 'OSSH_ENCODING_ERROR' && /mux engine/.test(e.message),
    );
  });

  test('stream encodings: capture decodes with streamEncoding / encoding / defaultStreamEncoding', async () => {
    const ssh = connect(f, { defaultStreamEncoding: 'latin1' });
    const bytes = raw("printf 'caf\\351'"); // the latin1 byte 0xe9
    assert.is(await ssh.capture(bytes), 'café');
    assert.is(await ssh.capture({ streamEncoding: 'utf8' }, bytes), 'caf\ufffd');
    const [out] = await ssh.capture2({ encoding: 'latin1' }, bytes);
    assert.is(out, 'café');
    const sjis = connect(f);
    assert.is(await sjis.capture({ streamEncoding: 'shift_jis' }, raw("printf '\\202\\240'")), 'あ');
  });

  test('Buffer arguments arrive byte for byte (file names that are not text)', async () => {
    const ssh = connect(f);
    const hex = await ssh.capture('printf', '%s', Buffer.from([0xff, 0x41, 0x27, 0x20]), raw('| od -An -tx1'));
    assert.is(hex.trim(), 'ff 41 27 20');
    await rejects<OpenSSHError>(
      ssh.capture('echo', Buffer.from([0x41, 0])),
      (e) => e.code === 'OSSH_INVALID_ARGUMENT' && /NUL/.test(e.message),
    );
  });
}

test.run();
