// Issue 20, defect 7: `net-openssh run -p 50` over many hosts. Forking the masters blocks the main thread
// (tens of milliseconds each on a loaded machine); no host may fail because our own loop was busy.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHostAliases } from '../../src/testing/host-aliases';
import { sharedSshd } from '../fixtures/sshd';
import { noHang, strict } from '../helpers/setup';
import { runCli, type JsonEvent } from './cli-harness';
import { sized } from '../helpers/sizes';

strict();
const f = await sharedSshd();
const test = suite('cli: many hosts at once');
const HOSTS = sized(100, 60); // quick: fewer hosts, still more than -p 50

test(`run -p 50 on ${HOSTS} hosts: every host succeeds, none reported as a silent master`, async () => {
  if (!f) return;
  const dir = mkdtempSync(join(tmpdir(), 'net-openssh-many-'));
  try {
    const names = Array.from({ length: HOSTS }, (_, i) => `m${i}`);
    const config = writeHostAliases(
      f,
      names.map((name, i) => ({ name, from: `127.0.1.${i + 10}` })),
      join(dir, 'ssh_config'),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir };
    const args = ['run', '-F', config, '-t', '60', '-p', '50', '--json', '-H', names.join(','), '--', 'echo', 'ok'];
    const r = await noHang(runCli(args, env), 'the CLI run', 300_000);
    const events = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JsonEvent & Record<string, unknown>);
    const failed = events.filter((e) => e.type === 'end' && e.ok !== true);
    assert.equal(
      failed.map((e) => `${String(e.host)}: ${JSON.stringify(e.error)}`),
      [],
      'no host failed',
    );
    const summary = events.find((e) => e.type === 'summary');
    assert.is(summary?.ok, HOSTS, `every host succeeded; stderr: ${r.stderr}`);
    assert.is(r.code, 0);
    console.log(`    ${HOSTS} hosts, -p 50: ${String(summary?.durationMs)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
