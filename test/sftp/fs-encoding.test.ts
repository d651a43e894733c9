// fsEncoding (Net::SFTP::Foreign's fs_encoding): a server whose file names are latin1 bytes. Names are sent
// in the encoding and decoded from it; without it they are UTF-8 (and latin1 names come back as U+FFFD).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
/** A path under `dir` whose last part is `name` in latin1 bytes (what a latin1 server holds). */
const latin1Path = (dir: string, name: string) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name, 'latin1')]);

for (const engine of ENGINES) {
  const test = suite(`sftp: fsEncoding (${engine} engine)`);
  const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-fsenc-'));
  chmodSync(scratch, 0o777);
  let ssh: OpenSSH;
  test.before(async () => {
    if (!f) return;
    ssh = connect(f, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  test.after(() => rmSync(scratch, { recursive: true, force: true }));
  if (!f) {
    test.run();
    continue;
  }

  test('latin1 names: listed, read, written, renamed and resolved in latin1 on the server', async () => {
    const dir = mkdtempSync(join(scratch, `${engine}-`));
    chmodSync(dir, 0o777);
    writeFileSync(latin1Path(dir, 'café'), 'latin1 name\n');
    const c = await sftp(ssh, { fsEncoding: 'latin1' });
    try {
      assert.equal(
        (await c.readdirAll(dir)).map((e) => e.filename),
        ['café'],
      );
      assert.is((await c.stat(`${dir}/café`)).size, 12);
      const h = await c.open(`${dir}/café`, 'r');
      assert.is((await c.read(h, 0, 100))!.toString(), 'latin1 name\n');
      await c.close(h);
      const w = await c.open(`${dir}/naïve`, 'w');
      await c.write(w, 0, Buffer.from('written\n'));
      await c.close(w);
      assert.is(readFileSync(latin1Path(dir, 'naïve'), 'utf8'), 'written\n', 'the new name is latin1 bytes');
      assert.not.ok(existsSync(join(dir, 'naïve')), 'not UTF-8 bytes');
      await c.rename(`${dir}/naïve`, `${dir}/über`);
      assert.ok(existsSync(latin1Path(dir, 'über')));
      assert.is(await c.realpath(`${dir}/über`), `${dir}/über`);
      const e = await rejects<OpenSSHError>(c.stat(`${dir}/€`));
      assert.is(e.code, 'OSSH_ENCODING_ERROR', 'a name latin1 cannot hold fails before it is sent');
    } finally {
      await c.end();
    }
  });

  test('without fsEncoding names are UTF-8: the latin1 name does not decode, nor is it found', async () => {
    const dir = mkdtempSync(join(scratch, `${engine}-`));
    chmodSync(dir, 0o777);
    writeFileSync(latin1Path(dir, 'café'), 'x');
    const c = await sftp(ssh);
    try {
      assert.equal(
        (await c.readdirAll(dir)).map((e) => e.filename),
        ['caf\uFFFD'],
      );
      await rejects(c.stat(`${dir}/café`));
    } finally {
      await c.end();
    }
  });

  test('an fsEncoding that is not utf8, latin1 or ascii: OSSH_INVALID_ARGUMENT before anything starts', async () => {
    const e = await rejects<OpenSSHError>(sftp(ssh, { fsEncoding: 'shift_jis' }));
    assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
  });
  test.run();
}
