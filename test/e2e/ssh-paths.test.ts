// Paths reach ssh as we name them (issue 20, defect 6): ssh expands `%` tokens and `${VAR}` in ControlPath
// (`-S`) and IdentityFile, so an unescaped ctlDir holding `%%` had the socket bound in another directory, one
// strictMode never checked. The socket must be where getCtlPath() says, inside the ctlDir we checked, and the
// key the one keyPath names; `${` (which ssh cannot escape) is refused before anything runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OpenSSH, OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { eventually, noHang, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: paths handed to ssh');
const f = await startSshd();
const base = mkdtempSync(join(tmpdir(), 'ossh-pct-')); // 0700 under /tmp (sticky): strictMode accepts it
const after: string[] = [];
test.after(async () => {
  await disconnectAll();
  await f?.stop();
  for (const d of [base, ...after]) rmSync(d, { recursive: true, force: true });
});

if (f) {
  // `%%` (ssh would make it `%`), `%h` (the host), a lone `%` before a letter that is no token (ssh: an error)
  const DIRS = ['a%%b', 'c%hd', 'e%f', '100%'];
  for (const engine of ENGINES)
    for (const name of DIRS)
      test(`${engine}: ctlDir ${name}: the socket is where getCtlPath() says, in that directory`, async () => {
        const ctlDir = join(base, `${engine}-${name}`);
        const ssh = connect(f, { engine, ctlDir });
        await noHang(ssh.waitForMaster(), 'the master');
        const ctlPath = ssh.getCtlPath()!;
        assert.is(dirname(ctlPath), ctlDir);
        assert.ok(statSync(ctlPath).isSocket(), `a socket at ${ctlPath}`);
        assert.equal(
          readdirSync(base).filter((d) => d.startsWith(`${engine}-`) && join(base, d) !== ctlDir),
          [], // the earlier tests' ctlDirs went with their connections
          'no other directory was made (ssh did not bind elsewhere)',
        );
        assert.is(await ssh.capture('echo ok'), 'ok\n');
        assert.ok(await ssh.checkMaster(), 'the master answers at that path');
        await ssh.disconnect();
        assert.not.ok(existsSync(ctlPath), 'the socket is gone with the master');
        assert.ok(await eventually(() => !existsSync(ctlDir), 3000), 'the ctlDir it created is gone with it');
      });

  // the tools that ride on the master get the same socket: scp (-o ControlPath), rsync and ssh -W (-S)
  test('scp, rsync and a tunnel ride on a master whose ctlDir holds %%, %h, %, a blank, \\ and "', async () => {
    const ctlDir = join(base, 'tools-%%-%h-% a\\\\b"c');
    const ssh = connect(f, { engine: 'spawn', ctlDir });
    await noHang(ssh.waitForMaster(), 'the master');
    const shared = mkdtempSync(join(tmpdir(), 'ossh-pct-shared-'));
    chmodSync(shared, 0o777); // the remote side writes as the test account
    after.push(shared);
    const local = join(base, 'local.txt');
    writeFileSync(local, 'payload\n');
    assert.is(await ssh.scpPut({}, local, join(shared, 'by-scp.txt')), true);
    assert.is(await ssh.rsyncPut({}, local, join(shared, 'by-rsync.txt')), true);
    assert.is(readFileSync(join(shared, 'by-scp.txt'), 'utf8'), 'payload\n');
    assert.is(readFileSync(join(shared, 'by-rsync.txt'), 'utf8'), 'payload\n');
    assert.match(await ssh.captureTunnel({}, '127.0.0.1', f.port), /^SSH-2\.0-/);
    assert.is(dirname(ssh.getCtlPath()!), ctlDir);
  });

  test('${...} in ctlDir, ctlPath or keyPath: OSSH_INVALID_ARGUMENT before anything runs', () => {
    for (const name of ['ctlDir', 'ctlPath', 'keyPath'])
      assert.throws(
        () => new OpenSSH(f.destination, f.options({ [name]: join(base, '${HOME}') })),
        (e: unknown) => e instanceof OpenSSHError && e.code === 'OSSH_INVALID_ARGUMENT' && /\$\{/.test(e.message),
        name,
      );
    assert.equal(
      readdirSync(base).filter((d) => d.includes('$')),
      [],
    );
  });

  // a client config without the fixture's IdentityFile: the key comes from keyPath alone
  const config = join(base, 'ssh_config_nokey');
  writeFileSync(
    config,
    readFileSync(f.configPath, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*IdentityFile\s/.test(l))
      .join('\n'),
  );
  const keyed = (keyPath: string) =>
    connect(f, { engine: 'mux', keyPath, masterOpts: ['-F', config], defaultSshOpts: ['-F', config] });

  test('keyPath with %, %h, %% and a blank in its name logs in with that key', async () => {
    const keyPath = join(base, 'key %h 5%%x %');
    copyFileSync(f.keyPath, keyPath);
    const ssh = keyed(keyPath);
    await noHang(ssh.waitForMaster(), 'the master');
    assert.is(await ssh.capture('echo in'), 'in\n');
  });

  test('(the check above can fail) without a usable keyPath the same config cannot log in', async () => {
    const e = await rejects<OpenSSHError>(keyed(join(base, 'no-such-key')).waitForMaster());
    assert.is(e.code, 'OSSH_MASTER_FAILED');
  });
}

test.run();
