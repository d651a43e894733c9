// Net::OpenSSH::Parallel's policies on a fleet over the test sshd: connection retries with backoff (a host
// whose port only opens after its first failure connects on the retry), abort-on-error, a per-host time budget,
// and a per-host concurrency across runs. Each host still ends exactly once, and the summary says which acted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { OpenSSHError } from '../../src/core/errors';
import { fleet, type FleetExecEvent, type FleetHost } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { freeLoopbackPort } from '../../src/testing/throwaway-sshd';
import { noHang, strict } from '../helpers/setup';
import { assertRemoteGone, uniqueMarker } from '../helpers/remote';

strict();
const f = await sharedSshd();
const test = suite('fleet: policies (retry, abort, budget, per-host concurrency)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-fleet-policies-'));
chmodSync(scratch, 0o777); // the remote account writes here
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const endsOf = (events: FleetExecEvent[]) => events.filter((e) => e.result !== undefined).map((e) => e.result!);
const numbered = (n: number, extra: object = {}): FleetHost[] =>
  Array.from({ length: n }, (_, i) => ({
    destination: f!.destination,
    name: `n${i}`,
    options: { vars: { N: i }, expandVars: true, ...extra },
  }));

/** A TCP forwarder to the test sshd on `port`, started when asked (until then the port is closed). */
const forwarder = (port: number) => {
  let server: Server | undefined;
  return {
    open: () =>
      new Promise<void>((resolve) => {
        server = createServer((sock) => {
          const up = createConnection(f!.port, '127.0.0.1');
          sock.on('error', () => up.destroy());
          up.on('error', () => sock.destroy());
          sock.pipe(up).pipe(sock);
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
};

if (f) {
  test('bad policy options throw OSSH_INVALID_ARGUMENT at once', () => {
    for (const opts of [{ retries: -1 }, { retries: 1.5 }, { retryDelay: -1 }, { hostConcurrency: 0 }])
      assert.throws(
        () => fleet([f.destination], { options: f.options(), ...opts }),
        (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
        JSON.stringify(opts),
      );
    const fl = fleet([f.destination], { options: f.options(), concurrency: 1 });
    try {
      for (const opts of [{ onError: 'stop' }, { budget: 0 }, { budget: -2 }, { budget: '5' }])
        assert.throws(
          () => fl.exec$(opts as object, 'true'),
          (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
          JSON.stringify(opts),
        );
    } finally {
      void fl.close();
    }
  });

  test('retries: a host failing to connect is tried again after a delay and runs; a dead one fails', async () => {
    const late = await freeLoopbackPort();
    const dead = await freeLoopbackPort();
    const fwd = forwarder(late);
    // the forwarded port is another port of 127.0.0.1: its host key is the sshd's, pinned under the sshd's port
    const alias = ['-o', `HostKeyAlias=[127.0.0.1]:${f.port}`];
    const fl = fleet(
      [
        {
          destination: `${f.user}@127.0.0.1:${late}`,
          name: 'late',
          options: { masterOpts: [...f.options().masterOpts, ...alias] },
        },
        { destination: `${f.user}@127.0.0.1:${dead}`, name: 'dead' },
        { destination: f.destination, name: 'up' },
      ],
      { options: f.options(), retries: 2, retryDelay: 1 },
    );
    try {
      // the port opens only once `late` has failed a first time
      await firstValueFrom(fl.state$.pipe(filter((s) => s.host === 'late' && s.state.name === 'failed')));
      await fwd.open();
      const summary = await noHang(fl.exec('echo hi'), 'the retried run ends');
      const byHost = new Map(summary.results.map((r) => [r.host, r]));
      assert.is(byHost.get('late')!.ok, true, byHost.get('late')!.error?.message);
      assert.is(byHost.get('late')!.attempts, 2);
      assert.is(byHost.get('dead')!.ok, false);
      assert.is(byHost.get('dead')!.error?.code, 'OSSH_MASTER_FAILED');
      assert.is(byHost.get('dead')!.attempts, 3, 'the first try and two retries');
      assert.is(byHost.get('up')!.attempts, undefined, 'no retry, no count');
      assert.equal(summary.policies, ['retried 2 hosts (1 connected)']);
    } finally {
      await fl.close();
      await fwd.close();
    }
  });

  test('onError abort: the first failure ends every other host (ended remotely); each ends once', async () => {
    const marker = uniqueMarker();
    const fl = fleet(numbered(6), { options: f.options(), concurrency: 6 });
    try {
      await fl.connected();
      // n2 fails at once; the others sleep (a unique marker, to see them end on the server)
      const events = await noHang(
        lastValueFrom(
          fl
            .exec$({ onError: 'abort', concurrency: 4 }, `case %N% in 2) exit 7;; esac; sleep ${marker}`)
            .pipe(toArray()),
        ),
        'the aborted run ends',
        20_000,
      );
      const ends = endsOf(events);
      assert.equal(ends.map((r) => r.host).sort(), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'], 'each host ends exactly once');
      const failed = ends.find((r) => r.host === 'n2')!;
      assert.is(failed.exitCode, 7);
      for (const r of ends.filter((x) => x.host !== 'n2')) {
        assert.is(r.error?.code, 'OSSH_ABORTED', r.host);
        assert.is(r.abortedAfter, 'n2', r.host);
        assert.match(r.error!.message, /aborted after n2 failed/);
      }
      await assertRemoteGone(fl.connection('n0')!, marker, 'the aborted sleeps');
      // the others still run when n4 fails (a host that ended before the failure is not aborted)
      const summary = await fl.exec({ onError: 'abort' }, `case %N% in 4) exit 1;; esac; sleep ${marker}`);
      assert.is(summary.results.length, 6);
      assert.equal(summary.policies.length, 1);
      assert.match(summary.policies[0]!, /^aborted after n4 failed \(\d hosts? ended or not run\)$/);
    } finally {
      await fl.close();
    }
  });

  test('budget: a command past its per-host budget is ended and fails with overBudget; the others are ok', async () => {
    const marker = uniqueMarker();
    const fl = fleet(numbered(3), { options: f.options() });
    try {
      const summary = await noHang(
        fl.exec({ budget: 1 }, `case %N% in 1) sleep ${marker};; esac; echo done`),
        'the budgeted run ends',
        20_000,
      );
      const [n0, n1, n2] = summary.results;
      assert.is(n0!.ok && n2!.ok, true);
      assert.is(n1!.ok, false);
      assert.is(n1!.overBudget, true);
      assert.is(n1!.error?.code, 'OSSH_SLAVE_TIMEOUT');
      assert.match(n1!.error!.message, /over the time budget of 1 s/);
      assert.equal(summary.policies, ['1 host over the time budget']);
      await assertRemoteGone(fl.connection('n1')!, marker, 'the command over budget');
    } finally {
      await fl.close();
    }
  });

  test('hostConcurrency 1: two runs at once take turns on each host', async () => {
    const lock = join(scratch, 'lock');
    // the command fails if another holds the host's lock: with a turn each, none does
    const cmd = `mkdir ${lock}-%N% || exit 9; sleep 0.5; rmdir ${lock}-%N%`;
    const fl = fleet(numbered(2), { options: f.options(), hostConcurrency: 1 });
    try {
      const [a, b] = await Promise.all([fl.exec(cmd), fl.exec(cmd)]);
      assert.equal([a.ok, b.ok], [2, 2], JSON.stringify([a, b].flatMap((s) => s.results.map((r) => r.exitCode))));
    } finally {
      await fl.close();
    }
  });
}

test.run();
