import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeCtorOptions } from '../../../src/core/options';
import { claimPersistent, persistentPathOf } from '../../../src/core/persist/claim';
import { lockPathOf } from '../../../src/core/persist/start-lock';

const test = suite('core/persist/claim');
const base = mkdtempSync(join(tmpdir(), 'nos-claim-'));
test.after(() => rmSync(base, { recursive: true, force: true }));
const wanted = () => true;

test('a ctlDir too long for a socket path fails at once, creating nothing', async () => {
  const ctlDir = join(base, 'x'.repeat(80));
  const claim = await claimPersistent(normalizeCtorOptions('h', { persist: 60, ctlDir }), 'h', wanted);
  assert.is(claim.kind, 'failed');
  if (claim.kind !== 'failed') return;
  assert.is(claim.error.code, 'OSSH_MASTER_FAILED');
  assert.match(claim.error.message, /is too long \(\d+ bytes; at most 90/);
  assert.not.ok(existsSync(ctlDir));
});

test('nothing at the path: the start lock is taken (0700 ctlDir made), and released on request', async () => {
  const s = normalizeCtorOptions('h', { persist: 60, ctlDir: join(base, 'ctl') });
  const claim = await claimPersistent(s, 'h', wanted);
  assert.is(claim.kind, 'start');
  assert.is(claim.ctlPath, persistentPathOf(s));
  assert.ok(existsSync(lockPathOf(claim.ctlPath)));
  if (claim.kind === 'start') claim.release();
  assert.not.ok(existsSync(lockPathOf(claim.ctlPath)));
});

test('not wanted any more (disconnected meanwhile): cancelled, the lock not kept', async () => {
  const s = normalizeCtorOptions('h', { persist: 60, ctlDir: join(base, 'ctl2') });
  const claim = await claimPersistent(s, 'h', () => false);
  assert.is(claim.kind, 'cancelled');
  assert.not.ok(existsSync(lockPathOf(claim.ctlPath)));
});

test('a given ctlPath is the persistent path as is', async () => {
  const ctlPath = join(base, 'mine');
  assert.is(persistentPathOf(normalizeCtorOptions('h', { persist: 60, ctlPath })), ctlPath);
});

test.run();
