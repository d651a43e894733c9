import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, type OpenSSHError } from '../../src/index';
import { parseSshConfiguration } from '../../src/core/ssh-configuration';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('defaultSshConfiguration (ssh -G)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sshconfig-'));
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

test('parse: keywords in lower case, repeated ones keep every value in order', () => {
  const c = parseSshConfiguration(
    'user alice\nHostName h.example\nport 2200\nidentityfile ~/.ssh/a\nidentityfile ~/.ssh/b\n',
  );
  assert.is(c.user, 'alice');
  assert.is(c.hostname, 'h.example');
  assert.is(c.port, 2200);
  assert.is(c.get('IdentityFile'), '~/.ssh/a');
  assert.equal(c.getAll('identityfile'), ['~/.ssh/a', '~/.ssh/b']);
  assert.equal(c.getAll('localforward'), []);
});

if (f) {
  test('the destination, the options and the ssh_config Host block it matches, without a master', async () => {
    const config = join(scratch, 'config');
    writeFileSync(
      config,
      'Host webalias\n  HostName 127.0.0.1\n  Compression yes\n  IdentityFile /nonexistent/key_a\n',
    );
    const ssh = new OpenSSH('someone@webalias:2345', { connect: false, masterOpts: ['-F', config] });
    const c = await ssh.defaultSshConfiguration();
    assert.is(c.hostname, '127.0.0.1', 'HostName from the Host block');
    assert.is(c.user, 'someone');
    assert.is(c.port, 2345);
    assert.is(c.get('compression'), 'yes');
    assert.ok(c.getAll('identityfile').includes('/nonexistent/key_a'));
    assert.match(c.text, /^host webalias$/m);
    assert.is(ssh.state.name, 'idle', 'nothing connected');
  });

  test('a running connection: the fixture user, port and the master control path', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    const c = await ssh.defaultSshConfiguration();
    assert.is(c.port, f.port);
    assert.is(c.user, f.user);
    assert.is(c.get('controlpath'), ssh.getCtlPath());
    assert.is(c.get('batchmode'), 'yes');
  });

  test('options ssh refuses: OSSH_SLAVE_FAILED with what ssh said', async () => {
    const ssh = new OpenSSH('somehost', { connect: false, masterOpts: ['-o', 'NoSuchKeyword=1'] });
    const e = await rejects<OpenSSHError>(ssh.defaultSshConfiguration());
    assert.is(e.code, 'OSSH_SLAVE_FAILED');
    assert.match(e.message, /unable to read the ssh configuration: .*bad configuration option: nosuchkeyword/i);
    assert.is(e.host, 'somehost');
  });
}

test.run();
