// One timeout rule (issue 14): a call's `timeout`, else the connection's, on every method and Observable.
// A timed-out command fails with OSSH_SLAVE_TIMEOUT the same way everywhere and is ended, checked on the
// server; `timeout: 0` turns the rule off for one call; `killSshOnTimeout: false` keeps Net::OpenSSH's
// behaviour (the command is left running) for the Promise methods only: an Observable refuses it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import type { Observable } from 'rxjs';
import { capture$, ERROR_CODES, lines$, type OpenSSH, OpenSSHError, type TimeoutCallOptions } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { scratch, settle } from '../observables/support';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { assertRemoteGone, assertRemoteRunning, killRemote, uniqueMarker } from '../helpers/remote';
import { noHang, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
/** The connection's timeout, in seconds. */
const TIMEOUT = 1;
/** Hang guard: a call that never times out fails its test after this long instead of hanging the run. */
const GUARD_MS = 15_000;

/** Output as text (Buffers decoded), to look for what a command printed in whatever a method returns. */
const text = (v: unknown): string =>
  JSON.stringify(v, (_k, x: { type?: string; data?: number[] } | null) =>
    x?.type === 'Buffer' && Array.isArray(x.data) ? Buffer.from(x.data).toString() : x,
  );
/** Asserts that `name` ran `sleep 2; echo done` to its end: its output says so (system and test: `true`). */
const assertFinished = (name: string, out: unknown): void => {
  if (name === 'system' || name === 'test') assert.is(out, true, `${name}: ${text(out)}`);
  else assert.match(text(out), 'done', `${name}: ${text(out)}`);
};

/** Subscribes and settles like a Promise: rejects with the stream's error; unsubscribes if it hangs. */
const settled = async (o: Observable<unknown>): Promise<unknown[]> => {
  const { values, error } = await settle(o, GUARD_MS);
  if (error !== undefined) throw error;
  return values;
};

type Options = TimeoutCallOptions;
/** The Promise methods, each given its options only when there are some. */
const PROMISE_METHODS: Array<[string, (ssh: OpenSSH, cmd: string, o?: Options) => Promise<unknown>]> = [
  ['system', (ssh, cmd, o) => (o ? ssh.system(o, cmd) : ssh.system(cmd))],
  ['test', (ssh, cmd, o) => (o ? ssh.test(o, cmd) : ssh.test(cmd))],
  ['capture', (ssh, cmd, o) => (o ? ssh.capture(o, cmd) : ssh.capture(cmd))],
  ['captureLines', (ssh, cmd, o) => (o ? ssh.captureLines(o, cmd) : ssh.captureLines(cmd))],
  ['capture2', (ssh, cmd, o) => (o ? ssh.capture2(o, cmd) : ssh.capture2(cmd))],
];
/** The Observables, as calls that return the stream unsubscribed. */
const OBSERVABLES: Array<[string, (ssh: OpenSSH, cmd: string, o?: Options) => Observable<unknown>]> = [
  ['ssh.exec$', (ssh, cmd, o) => (o ? ssh.exec$(o, cmd) : ssh.exec$(cmd))],
  ['ssh.capture$', (ssh, cmd, o) => (o ? ssh.capture$(o, cmd) : ssh.capture$(cmd))],
  ['ssh.lines$', (ssh, cmd, o) => (o ? ssh.lines$(o, cmd) : ssh.lines$(cmd))],
  ['capture$(ssh)', (ssh, cmd, o) => (o ? capture$(ssh, o, cmd) : capture$(ssh, cmd))],
  ['lines$(ssh)', (ssh, cmd, o) => (o ? lines$(ssh, o, cmd) : lines$(ssh, cmd))],
];
const EVERY: Array<[string, (ssh: OpenSSH, cmd: string, o?: Options) => Promise<unknown>]> = [
  ...PROMISE_METHODS,
  ...OBSERVABLES.map(
    ([name, make]) => [name, (ssh: OpenSSH, cmd: string, o?: Options) => settled(make(ssh, cmd, o))] as const,
  ),
].map(([name, run]) => [name, (ssh, cmd, o) => noHang(run(ssh, cmd, o), `${name} of a silent command`, GUARD_MS)]);

/** Asserts the one shape of a timeout: the error class, code, errno, host, and the message naming the seconds. */
const assertTimeout = (e: unknown, host: string, seconds: number, what: string): OpenSSHError => {
  assert.instance(e, OpenSSHError, `${what}: not an OpenSSHError: ${(e as Error)?.stack ?? String(e)}`);
  const o = e as OpenSSHError;
  assert.is(o.code, 'OSSH_SLAVE_TIMEOUT', `${what}: ${o.code}: ${o.message}`);
  assert.is(o.errno, ERROR_CODES.OSSH_SLAVE_TIMEOUT);
  assert.is(o.host, host, `${what}: host`);
  assert.match(o.message, `timed out after ${seconds} s without traffic`, `${what}: ${o.message}`);
  return o;
};

for (const engine of ENGINES) {
  const test = suite(`e2e: one timeout rule (${engine} engine)`);
  /** The connection under test, with a short `timeout`. */
  let ssh: OpenSSH;
  /** Asks the server what runs (the fixture's usual options). */
  let checker: OpenSSH;
  const messages = new Map<string, string>();
  const dir = scratch(`timeout-rule-${engine}`);
  /**
   * A silent command: it leaves a file when it starts (no output), then follows that empty file under a unique
   * marker, as `tail -f app.log` does. (A `sleep` would not do on the spawn engine: killing the slave closes the
   * session, and sshd signals nothing to a command without a tty, so a command that neither writes nor reads
   * lives on until it does; `tail -f` notices its output is gone. The mux engine signals the command itself.)
   */
  const silent = () => {
    const m = uniqueMarker();
    return { m, started: dir.path(m), cmd: `touch ${dir.path(m)}; exec tail -f ${dir.path(m)}` };
  };
  test.before(async () => {
    ssh = connect(f!, { engine, timeout: TIMEOUT });
    checker = connect(f!, { engine });
    await Promise.all([ssh.waitForMaster(), checker.waitForMaster()]);
  });
  test.after(async () => {
    await disconnectAll();
    dir.remove();
  });
  if (!f) {
    test.run();
    continue;
  }

  for (const [name, run] of EVERY) {
    test(`${name}: a silent command fails with OSSH_SLAVE_TIMEOUT and is ended on the server`, async () => {
      const s = silent();
      const e = await rejects(run(ssh, s.cmd));
      assert.ok(existsSync(s.started), `${name}: the remote command never started`);
      messages.set(name, assertTimeout(e, ssh.getHost(), TIMEOUT, name).message);
      await assertRemoteGone(checker, s.m, name);
    });
  }

  test('every method and Observable failed with the same message', () => {
    assert.equal(
      [...messages.keys()],
      EVERY.map(([name]) => name),
      'a method above did not time out',
    );
    assert.is(new Set(messages.values()).size, 1, `messages differ: ${JSON.stringify(Object.fromEntries(messages))}`);
  });

  // all at once: ten 2 s commands in about 2 s (at most one waits for a session: within its 5 s)
  const allFinish = async (o: Options) => {
    const outs = await Promise.all(EVERY.map(([, run]) => run(ssh, 'sleep 2; echo done', o)));
    for (const [i, [name]] of EVERY.entries()) assertFinished(name, outs[i]);
  };

  test("a call's longer timeout overrides the connection's: the command finishes", () => allFinish({ timeout: 5 }));

  test("a call's shorter timeout overrides the connection's", async () => {
    const patient = connect(f, { engine, timeout: 30 });
    await patient.waitForMaster();
    for (const [name, run] of EVERY) {
      const s = silent();
      const e = await rejects(run(patient, s.cmd, { timeout: 1 }));
      assertTimeout(e, patient.getHost(), 1, `${name}({ timeout: 1 }) on a connection with timeout 30`);
      await assertRemoteGone(checker, s.m, name);
    }
  });

  test('timeout: 0 on a call turns the rule off: the command outlives the connection timeout', () =>
    allFinish({ timeout: 0 }));

  test('killSshOnTimeout: false: a Promise method fails with OSSH_SLAVE_TIMEOUT, the command runs on', async () => {
    for (const [name, run] of EVERY.slice(0, PROMISE_METHODS.length)) {
      const s = silent();
      try {
        const e = await rejects(run(ssh, s.cmd, { killSshOnTimeout: false }));
        assertTimeout(e, ssh.getHost(), TIMEOUT, `${name}({ killSshOnTimeout: false })`);
        await assertRemoteRunning(checker, s.m, `${name}({ killSshOnTimeout: false })`);
      } finally {
        await killRemote(checker, s.m);
      }
      await assertRemoteGone(checker, s.m, `${name}: after the test's own pkill`);
    }
  });

  test('killSshOnTimeout: false on an Observable throws OSSH_INVALID_ARGUMENT when called', () => {
    for (const [name, make] of OBSERVABLES) {
      let thrown: unknown;
      try {
        make(ssh, 'true', { killSshOnTimeout: false }); // not subscribed: nothing runs either way
      } catch (e) {
        thrown = e;
      }
      assert.is((thrown as OpenSSHError | undefined)?.code, 'OSSH_INVALID_ARGUMENT', `${name}: ${String(thrown)}`);
    }
  });

  test.run();
}
