import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, lastValueFrom, tap, toArray } from 'rxjs';
import { OpenSSHError } from '../../src/core/errors';
import {
  fleet,
  summarize,
  type Fleet,
  type FleetExecEvent,
  type FleetHost,
  type FleetLineEvent,
} from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { freeLoopbackPort } from '../../src/testing/throwaway-sshd';
import { alive, sshProcessesWith } from '../helpers/processes';
import { eventually, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('fleet: many hosts over the test sshd');

const GOOD = 24;
const BAD = 4;
// hosts whose command exits non-zero (with their number as the code)
const FAILING = new Set([5, 10, 15, 20]);

/** A port on 127.0.0.1 that nothing listens on: connections to it are refused. */
const closedPort = freeLoopbackPort;

const good = (i: number) => `h${String(i).padStart(2, '0')}`;
let fl: Fleet;
let hosts: FleetHost[];
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-fleet-'));
chmodSync(scratch, 0o777); // the remote account writes here

const countEnds = (events: Array<FleetExecEvent | FleetLineEvent>): Map<string, number> => {
  const n = new Map<string, number>();
  for (const e of events) if ('result' in e && e.result) n.set(e.host, (n.get(e.host) ?? 0) + 1);
  return n;
};

test.before(async () => {
  if (!f) return;
  const port = await closedPort();
  hosts = [
    ...Array.from({ length: GOOD }, (_, i) => ({
      destination: f.destination,
      name: good(i),
      options: { vars: { N: i }, expandVars: true },
    })),
    ...Array.from({ length: BAD }, (_, i) => ({
      destination: `${f.user}@127.0.0.1:${port}`,
      name: `bad${i}`,
      options: { timeout: 5 },
    })),
  ];
  fl = fleet(hosts, { options: f.options(), concurrency: 10 });
});

test.after(async () => {
  await fl?.close();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test('bad input throws OSSH_INVALID_ARGUMENT at once', () => {
    for (const [hosts, opts] of [
      [[], {}],
      [['a', 'a'], {}],
      [[{ destination: 'a b' }], {}],
      [['a'], { concurrency: 0 }],
      [['a'], { nope: 1 }],
    ] as const) {
      try {
        fleet(hosts as unknown as FleetHost[], { options: f.options(), ...(opts as object) });
        assert.unreachable(`accepted ${JSON.stringify([hosts, opts])}`);
      } catch (e) {
        assert.instance(e, OpenSSHError);
        assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      }
    }
    for (const [hosts, opts] of [
      [['h[1-1001]'], {}],
      [['h[1-3]'], { maxHosts: 2 }],
      [['h[3-1]'], {}],
      [[{ destination: 'h[1-2]', name: 'h' }], {}],
      [['h1'], { maxHosts: 0 }],
    ] as const)
      assert.throws(
        () => fleet(hosts as unknown as FleetHost[], { options: f.options(), ...(opts as object) }),
        (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
        JSON.stringify(hosts),
      );
    assert.throws(
      () => fl.exec$({ concurrency: -1 }, 'true'),
      (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
    );
    assert.throws(
      () => fl.exec$({ noSuchOption: 1 } as object, 'true'),
      (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT',
    );
  });

  test('host ranges in the host list: strings and unnamed { destination } expanded in place', async () => {
    const ranged = fleet(['x[01-03].invalid', { destination: 'y[1,3].invalid', options: { port: 2222 } }, 'z'], {
      options: { ...f.options(), timeout: 5 },
      maxHosts: 5,
      concurrency: 1,
    });
    try {
      assert.equal(ranged.hosts, [
        'x01.invalid',
        'x02.invalid',
        'x03.invalid',
        'y1.invalid:2222',
        'y3.invalid:2222',
        'z',
      ]);
    } finally {
      await ranged.close();
    }
  });

  test('connects every host: reachable ones run, unreachable ones fail with OSSH_MASTER_FAILED', async () => {
    const { running, failed } = await fl.connected();
    assert.is(running.length, GOOD);
    assert.equal(
      failed.map((x) => x.host),
      ['bad0', 'bad1', 'bad2', 'bad3'],
    );
    for (const { error } of failed) {
      assert.is(error.code, 'OSSH_MASTER_FAILED');
      assert.match(error.message, /refused/i);
    }
    const states = fl.states();
    assert.is(states.length, GOOD + BAD);
    assert.is(states.filter((s) => s.state.name === 'running').length, GOOD);
    assert.is(states.filter((s) => s.state.name === 'failed').length, BAD);
    // different masters: a control path each
    const paths = new Set(fl.hosts.slice(0, GOOD).map((h) => fl.connection(h)!.getCtlPath()));
    assert.is(paths.size, GOOD);
  });

  test('exec$: every host lands exactly once; failures are events; output and byte counts per host', async () => {
    const events = await lastValueFrom(
      fl.exec$('echo out-%N%; echo err-%N% >&2; case %N% in 5|10|15|20) exit %N%;; esac').pipe(toArray()),
    );
    const ends = countEnds(events);
    assert.is(ends.size, GOOD + BAD);
    for (const h of fl.hosts) assert.is(ends.get(h), 1, `${h} ended ${ends.get(h)} times`);
    for (let i = 0; i < GOOD; i++) {
      const mine = events.filter((e) => e.host === good(i));
      const out = Buffer.concat(mine.flatMap((e) => (e.event.type === 'stdout' ? [e.event.data] : []))).toString();
      const err = Buffer.concat(mine.flatMap((e) => (e.event.type === 'stderr' ? [e.event.data] : []))).toString();
      assert.is(out, `out-${i}\n`);
      assert.is(err, `err-${i}\n`);
      const last = mine[mine.length - 1]!;
      assert.ok(last.result, 'the end event is the last of its host');
      assert.is(last.event.type, 'exit');
      const r = last.result!;
      assert.is(r.bytesOut, out.length);
      assert.is(r.bytesErr, err.length);
      assert.ok(r.durationMs >= 0);
      if (FAILING.has(i)) {
        assert.is(r.ok, false);
        assert.is(r.exitCode, i);
        assert.is(r.error?.code, 'OSSH_SLAVE_CMD_FAILED');
        assert.match(r.error!.message, `err-${i}`);
      } else {
        assert.is(r.ok, true);
        assert.is(r.exitCode, 0);
        assert.is(r.error, undefined);
      }
    }
    for (let i = 0; i < BAD; i++) {
      const mine = events.filter((e) => e.host === `bad${i}`);
      assert.is(mine.length, 1);
      assert.is(mine[0]!.event.type, 'error');
      assert.is(mine[0]!.result?.error?.code, 'OSSH_MASTER_FAILED');
      assert.is(mine[0]!.result?.durationMs, 0);
    }
  });

  test('summarize() and exec(): the tally, per host exit code or error, in host order for exec()', async () => {
    const cmd = 'printf 12345; case %N% in 5|10|15|20) exit %N%;; esac';
    const s1 = await lastValueFrom(fl.exec$(cmd).pipe(summarize()));
    assert.is(s1.results.length, GOOD + BAD);
    assert.is(s1.ok, GOOD - FAILING.size);
    assert.is(s1.failed, FAILING.size + BAD);
    const s2 = await fl.exec(cmd);
    assert.equal(
      s2.results.map((r) => r.host),
      fl.hosts,
    );
    assert.is(s2.ok, GOOD - FAILING.size);
    for (const r of s2.results.slice(0, GOOD)) assert.is(r.bytesOut, 5);
    assert.equal(
      s2.results.filter((r) => !r.ok).map((r) => r.exitCode),
      [5, 10, 15, 20, null, null, null, null],
    );
  });

  test('lines$: complete lines per host and stream, the last partial line flushed, one end per host', async () => {
    const events = await lastValueFrom(fl.lines$("printf 'a-%N%\\nb-%N%'; printf 'e-%N%\\n' >&2").pipe(toArray()));
    const ends = countEnds(events);
    for (const h of fl.hosts) assert.is(ends.get(h), 1);
    for (let i = 0; i < GOOD; i++) {
      const lines = events.filter(
        (e): e is Extract<FleetLineEvent, { type: 'line' }> => e.type === 'line' && e.host === good(i),
      );
      assert.equal(
        lines.filter((l) => l.stream === 'stdout').map((l) => l.line),
        [`a-${i}`, `b-${i}`],
      );
      assert.equal(
        lines.filter((l) => l.stream === 'stderr').map((l) => l.line),
        [`e-${i}`],
      );
    }
    const noErr = await lastValueFrom(
      fl.lines$({ stderr: false }, 'echo x; echo y >&2').pipe(
        filter((e) => e.type === 'line'),
        toArray(),
      ),
    );
    assert.is(noErr.length, GOOD);
  });

  test('commands run at most `concurrency` at once (counted on the server)', async () => {
    const dir = join(scratch, 'running');
    const events = await lastValueFrom(
      fl
        .lines$(
          { concurrency: 4 },
          `mkdir -p ${dir} && touch ${dir}/%N% && ls ${dir} | wc -l && sleep 0.2 && rm ${dir}/%N%`,
        )
        .pipe(
          filter((e) => e.type === 'line'),
          toArray(),
        ),
    );
    const seen = events.map((e) => Number((e as { line: string }).line.trim()));
    assert.is(seen.length, GOOD);
    assert.ok(Math.max(...seen) <= 4, `at most 4 at once, saw ${Math.max(...seen)}`);
    assert.ok(Math.max(...seen) >= 2, 'commands did run side by side');
  });

  test("a per-host timeout is that host's event, the others finish", async () => {
    const s = await lastValueFrom(
      fl.exec$({ timeout: 1, killSshOnTimeout: true }, 'case %N% in 3) sleep 30;; esac; echo done').pipe(summarize()),
    );
    const h3 = s.results.find((r) => r.host === good(3))!;
    assert.is(h3.error?.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(s.ok, GOOD - 1);
  });

  test('unsubscribing ends every remote command (checked by pid on the server)', async () => {
    const pids = new Map<string, number>();
    let sub: { unsubscribe(): void } | undefined;
    await new Promise<void>((resolve, reject) => {
      sub = fl.lines$('echo $$; exec sleep 1000').subscribe({
        next: (e) => {
          if (e.type !== 'line') return;
          pids.set(e.host, Number(e.line));
          if (pids.size === GOOD) resolve();
        },
        error: reject,
        complete: () => reject(new Error('completed before every host started')),
      });
    });
    const isSleep = (p: number) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep');
      } catch {
        return false;
      }
    };
    // the server-side processes are ours, and running
    assert.ok(await eventually(() => [...pids.values()].every(isSleep)), 'every host runs its sleep');
    sub!.unsubscribe();
    const all = [...pids.values()];
    assert.ok(
      await eventually(() => all.every((p) => !alive(p)), 5000),
      `still running: ${all.filter(alive).join(' ')}`,
    );
  });

  test('AbortSignal aborts the whole run with OSSH_ABORTED and ends the commands', async () => {
    const ac = new AbortController();
    const pids: number[] = [];
    const run = lastValueFrom(
      fl.lines$({ signal: ac.signal }, 'echo $$; exec sleep 1000').pipe(
        tap((e) => {
          if (e.type === 'line') pids.push(Number(e.line));
          if (pids.length === GOOD) ac.abort();
        }),
      ),
    );
    const e = await run.then(
      () => undefined,
      (err: unknown) => err as OpenSSHError,
    );
    assert.is(e?.code, 'OSSH_ABORTED');
    assert.ok(await eventually(() => pids.every((p) => !alive(p)), 5000));
  });

  test('state$: current states on subscription, then changes; connect concurrency is bounded', async () => {
    const small = fleet(
      Array.from({ length: 8 }, (_, i) => ({ destination: f.destination, name: `s${i}` })),
      { options: f.options(), concurrency: 3 },
    );
    const now = new Map<string, string>();
    let maxConnecting = 0;
    const sub = small.state$.subscribe(({ host, state }) => {
      now.set(host, state.name);
      const connecting = [...now.values()].filter(
        (s) => s === 'connecting' || s === 'awaiting_mux' || s === 'login',
      ).length;
      maxConnecting = Math.max(maxConnecting, connecting);
    });
    assert.is(now.size, 8, 'every host reported at once');
    const { running } = await small.connected();
    assert.is(running.length, 8);
    assert.ok(maxConnecting <= 3, `at most 3 connecting at once, saw ${maxConnecting}`);
    assert.ok([...now.values()].every((s) => s === 'running'));
    const masters = small.hosts.map((h) => small.connection(h)!.masterPid!);
    assert.ok(masters.every(alive));
    await small.close();
    sub.unsubscribe();
    assert.ok(
      masters.every((p) => !alive(p)),
      'no master left after close()',
    );
    assert.ok(small.states().every((s) => s.state.name === 'stopped'));
    assert.throws(
      () => small.exec$('true'),
      (e: OpenSSHError) => e.code === 'OSSH_MASTER_FAILED',
    );
  });

  test('close() before the masters are up: queued hosts end as failures, nothing is left running', async () => {
    const early = fleet(
      Array.from({ length: 12 }, (_, i) => ({ destination: f.destination, name: `e${i}` })),
      { options: f.options(), concurrency: 2 },
    );
    const run = lastValueFrom(early.exec$('sleep 1000').pipe(summarize()));
    await early.close();
    const s = await run;
    assert.is(s.results.length, 12);
    assert.is(s.ok, 0);
    for (const r of s.results) assert.ok(r.error instanceof OpenSSHError);
    assert.ok(early.states().every((x) => x.state.name === 'stopped' || x.state.name === 'failed'));
  });

  test('close() leaves no master process (ps)', async () => {
    const masters = fl.hosts.slice(0, GOOD).map((h) => fl.connection(h)!.masterPid!);
    assert.ok(masters.every(alive));
    await fl.close();
    await fl.close(); // idempotent
    assert.ok(masters.every((p) => !alive(p)));
    assert.equal(sshProcessesWith(f.ctlDir), []);
  });
}

test.run();
