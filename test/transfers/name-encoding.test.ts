// scp and rsync `encoding` / `argumentEncoding` (Net::OpenSSH's argument encoding of the file names): names are
// the tools' process arguments, which Node encodes as UTF-8, so utf8 is accepted and anything else refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { rsyncGet, rsyncPut } from '../../src/transfers/rsync';
import { scpGet, scpPut } from '../../src/transfers/scp';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const hasRsync = (() => {
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const test = suite('transfers: file name encoding (scp, rsync)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-name-enc-'));
chmodSync(scratch, 0o777);
let ssh: OpenSSH;
test.before(async () => {
  if (!f) return;
  ssh = connect(f);
  await ssh.waitForMaster();
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('encoding / argumentEncoding utf8: non-ASCII names go both ways (scp, rsync)', async () => {
    const local = join(scratch, 'café.txt');
    writeFileSync(local, 'utf8 name\n', { mode: 0o644 });
    const remote = join(scratch, 'remote naïve.txt');
    await scpPut(ssh, { encoding: 'utf8' }, local, remote);
    assert.is(readFileSync(remote, 'utf8'), 'utf8 name\n');
    const back = join(scratch, 'back über.txt');
    await scpGet(ssh, { argumentEncoding: 'utf-8' }, remote, back);
    assert.is(readFileSync(back, 'utf8'), 'utf8 name\n');
    if (!requirePrereq(hasRsync, 'rsync (Debian package rsync)')) return;
    const r2 = join(scratch, 'rsync ñ.txt');
    await rsyncPut(ssh, { encoding: 'utf8' }, local, r2);
    assert.is(readFileSync(r2, 'utf8'), 'utf8 name\n');
    const b2 = join(scratch, 'rsync back ñ.txt');
    await rsyncGet(ssh, { argumentEncoding: 'utf8' }, r2, b2);
    assert.is(readFileSync(b2, 'utf8'), 'utf8 name\n');
  });

  test('another encoding: OSSH_INVALID_ARGUMENT before the tool runs, naming what carries such names', async () => {
    const local = join(scratch, 'plain.txt');
    writeFileSync(local, 'x');
    for (const call of [
      () => scpPut(ssh, { encoding: 'latin1' }, local, join(scratch, 'never-scp')),
      () => scpGet(ssh, { argumentEncoding: 'latin1' }, local, join(scratch, 'never-scp-get')),
      () => rsyncPut(ssh, { encoding: 'latin1' }, local, join(scratch, 'never-rsync')),
    ]) {
      const e = await rejects<OpenSSHError>(call());
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
      assert.match(e.message, 'fsEncoding');
    }
    const bad = await rejects<OpenSSHError>(scpPut(ssh, { encoding: 'klingon' }, local, scratch));
    assert.is(bad.code, 'OSSH_INVALID_ARGUMENT');
    assert.is(ssh.state.name, 'running');
  });
}
test.run();
