// A fleet at scale over the test sshd: 200 distinct destinations (Host aliases, each connecting from its own
// loopback address 127.0.x.y, as the demo does for 4) and 10 unreachable ones, named by host ranges. Every master
// comes up, every host ends exactly once per run, failures are events, and the retry and abort policies act.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { fleet, type Fleet, type FleetExecEvent, type FleetLineEvent } from '../../src/index';
import { writeHostAliases, type HostAlias } from '../../src/testing/host-aliases';
import { freeLoopbackPort } from '../../src/testing/throwaway-sshd';
import { sharedSshd } from '../fixtures/sshd';
import { noHang, strict } from '../helpers/setup';
import { assertRemoteGone, uniqueMarker } from '../helpers/remote';
import { sized } from '../helpers/sizes';

strict();
const f = await sharedSshd();
const UP = sized(200, 48); // quick: fewer masters, the same assertions
const test = suite(`fleet at scale: ${UP} destinations and 10 unreachable ones`);

const DOWN = 10;
// the unreachable hosts come last: they must not start (and fail, aborting the run) before s004 has failed
const ABORT_CONCURRENCY = Math.min(64, UP - 8);
// masters connecting at once: enough to be a crowd, few enough for a loaded 2-core machine
const CONCURRENCY = 32;
const up = (i: number) => `s${String(i + 1).padStart(3, '0')}`;
const down = (i: number) => `gone${String(i + 1).padStart(2, '0')}`;
/** The client address of alias #i: 127.0.0.2 ... 127.0.0.251, then 127.0.1.x. */
const from = (i: number) => `127.0.${Math.floor(i / 250)}.${2 + (i % 250)}`;

const dir = mkdtempSync(join(tmpdir(), 'net-openssh-fleet-scale-'));
let fl: Fleet;
const started = performance.now();

const endsByHost = (events: Array<FleetExecEvent | FleetLineEvent>) => {
  const n = new Map<string, number>();
  for (const e of events) if ('result' in e && e.result) n.set(e.host, (n.get(e.host) ?? 0) + 1);
  return n;
};

test.before(async () => {
  if (!f) return;
  const closed = await freeLoopbackPort();
  const aliases: HostAlias[] = [
    ...Array.from({ length: UP }, (_, i) => ({ name: up(i), from: from(i) })),
    ...Array.from({ length: DOWN }, (_, i) => ({ name: down(i), from: '127.0.0.1', port: closed })),
  ];
  const config = writeHostAliases(f, aliases, join(dir, 'ssh_config'));
  // the host list as an operator writes it: two ranges
  fl = fleet([`s[001-${UP}]`, `gone[01-${DOWN}]`], {
    options: { ...f.options(), masterOpts: ['-F', config], defaultSshOpts: ['-F', config], timeout: 30 },
    concurrency: CONCURRENCY,
    commandConcurrency: 64,
    retries: 1,
    retryDelay: 0.2,
  });
});

test.after(async () => {
  await fl?.close();
  rmSync(dir, { recursive: true, force: true });
  if (f) console.log(`  fleet-scale: ${UP + DOWN} hosts, ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

if (f) {
  test('every reachable master comes up; every unreachable one fails after its retry', async () => {
    assert.is(fl.hosts.length, UP + DOWN);
    const { running, failed } = await noHang(fl.connected(), 'all masters settle', 180_000);
    assert.is(running.length, UP, failed.map((x) => `${x.host}: ${x.error.message}`).join('\n'));
    assert.equal(
      failed.map((x) => x.host),
      Array.from({ length: DOWN }, (_, i) => down(i)),
    );
    for (const { error } of failed) assert.is(error.code, 'OSSH_MASTER_FAILED');
    assert.is(new Set(running.map((h) => fl.connection(h)!.getCtlPath())).size, UP, 'a master each');
  });

  test('exec$: each host ends once, from its own address; failures are events; retries reported', async () => {
    const events = await noHang(
      lastValueFrom(fl.exec$('echo "${SSH_CONNECTION%% *}"').pipe(toArray())),
      'the run ends',
      120_000,
    );
    const ends = endsByHost(events);
    assert.is(ends.size, UP + DOWN);
    assert.ok(
      [...ends.values()].every((n) => n === 1),
      'exactly one end per host',
    );
    const out = new Map<string, string>();
    for (const e of events) if (e.event.type === 'stdout') out.set(e.host, (out.get(e.host) ?? '') + e.event.data);
    for (let i = 0; i < UP; i++) assert.is(out.get(up(i)), `${from(i)}\n`, up(i));
    const failures = events.filter((e) => e.event.type === 'error');
    assert.is(failures.length, DOWN);
    for (const e of failures) {
      assert.match(e.host, /^gone\d\d$/);
      assert.is(e.result!.attempts, 2, 'tried twice');
    }
    const summary = await fl.exec('true');
    assert.equal([summary.ok, summary.failed], [UP, DOWN]);
    assert.equal(summary.policies, [`retried ${DOWN} hosts (0 connected)`]);
  });

  test('onError abort over 210 hosts: one failure ends the rest, each host still ends exactly once', async () => {
    // s004 (from 127.0.0.5) fails at once; the others sleep, and the ones queued behind them never start
    const marker = uniqueMarker();
    const cmd = `[ "\${SSH_CONNECTION%% *}" = 127.0.0.5 ] && exit 4; sleep ${marker}`;
    const events = await noHang(
      lastValueFrom(fl.lines$({ onError: 'abort', concurrency: ABORT_CONCURRENCY }, cmd).pipe(toArray())),
      'the aborted run ends',
      120_000,
    );
    const ends = endsByHost(events);
    assert.is(ends.size, UP + DOWN);
    assert.ok(
      [...ends.values()].every((n) => n === 1),
      'exactly one end per host',
    );
    const results = events.flatMap((e) => (e.type === 'end' ? [e.result] : []));
    const culprit = results.find((r) => r.host === 's004')!;
    assert.is(culprit.exitCode, 4);
    const others = results.filter((r) => r.host !== 's004');
    for (const r of others) {
      assert.is(r.abortedAfter, 's004', r.host);
      assert.is(r.error?.code, 'OSSH_ABORTED', r.host);
    }
    assert.is(others.length, UP + DOWN - 1);
    await assertRemoteGone(fl.connection('s001')!, marker, 'the aborted commands');
  });
}

test.run();
