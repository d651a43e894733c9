import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMaster } from '../../../src/core/persist/master-probe';
import { OpenSSHError } from '../../../src/core/errors';
import { TEST_USER } from '../../fixtures/sshd';
import { requirePrereq } from '../../helpers/prereq';
import { rejects } from '../../helpers/setup';

const test = suite('core/persist/master-probe');
const dir = mkdtempSync(join(tmpdir(), 'nos-probe-'));
const servers: Server[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});
const listen = (path: string, onConn: (c: import('node:net').Socket) => void = () => {}): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer(onConn);
    servers.push(s);
    s.listen(path, () => resolve(s));
  });
/** A socket file nobody listens on any more (its process was killed: nothing removed it). */
const staleSocket = (path: string): void => {
  spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.ok(existsSync(path), 'stale socket planted');
};
const refused = (path: string, why: RegExp) => (e: OpenSSHError) => {
  assert.instance(e, OpenSSHError);
  assert.is(e.code, 'OSSH_MASTER_FAILED');
  assert.ok(e.message.includes(path), e.message);
  assert.match(e.message, why);
};

test('nothing there: absent', async () => {
  assert.equal(await probeMaster(join(dir, 'none')), { kind: 'absent' });
});

test('a socket nobody listens on: stale (and left in place: removing it is the lock holder’s job)', async () => {
  const p = join(dir, 'stale');
  staleSocket(p);
  assert.equal(await probeMaster(p), { kind: 'stale' });
  assert.ok(existsSync(p));
});

test('a file that is not a socket is refused, naming the path', async () => {
  const p = join(dir, 'file');
  writeFileSync(p, 'x');
  await rejects(probeMaster(p, 'h'), refused(p, /not a socket/));
});

test('a listener that is no ControlMaster is refused as not answering', async () => {
  const p = join(dir, 'mute');
  await listen(p, (c) => c.resume().end());
  await rejects(
    probeMaster(p, 'h', 2000),
    refused(p, /no master answers there \(closed before the alive-check reply\)/),
  );
});

test("another user's socket is refused without being touched, live or stale", async () => {
  if (!requirePrereq(process.getuid?.() === 0, 'root (to give a socket to another user)')) return;
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }));
  const live = join(dir, 'foreign-live');
  await listen(live);
  chownSync(live, uid, uid);
  await rejects(probeMaster(live, 'h'), refused(live, new RegExp(`owned by uid ${uid}, not by you`)));
  const stale = join(dir, 'foreign-stale');
  staleSocket(stale);
  chownSync(stale, uid, uid);
  await rejects(probeMaster(stale, 'h'), refused(stale, /owned by uid/));
  assert.ok(existsSync(stale));
});

test.run();
