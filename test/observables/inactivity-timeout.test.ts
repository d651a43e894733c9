import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { inactivityTimeout } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { eventually, strict } from '../helpers/setup';
import { errorCode, marbles, pidFrom, remoteAlive, scratch, settle } from './support';

strict();

const pure = suite('observables: inactivityTimeout (logic)');

pure('marbles: the clock restarts on each value; on timeout the source is unsubscribed, then the error comes', () => {
  marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-b--------c|');
    // 5 ms of silence after b (frame 3) fails at frame 8: an errored stream holds nothing, so the source goes too
    const out = src.pipe(inactivityTimeout(0.005), errorCode());
    expectObservable(out).toBe('-a-b----#', undefined, 'OSSH_SLAVE_TIMEOUT');
    expectSubscriptions(src.subscriptions).toBe('^-------!');
  });
});

pure('marbles: values closer together than the timeout, and an early completion or error, pass unchanged', () => {
  marbles().run(({ cold, expectObservable }) => {
    expectObservable(cold('-a---b---c|').pipe(inactivityTimeout(0.005))).toBe('-a---b---c|');
    expectObservable(cold('--#').pipe(inactivityTimeout(0.005))).toBe('--#');
    expectObservable(cold('------a|').pipe(inactivityTimeout(0.005), errorCode())).toBe(
      '-----#',
      undefined,
      'OSSH_SLAVE_TIMEOUT',
    );
  });
});

pure('marbles: while `paused` holds the source the clock stops, and it starts over on release', () => {
  marbles().run(({ cold, expectObservable }) => {
    // held from frame 3 to 10: 13 frames of silence after a pass; after the release 5 more would not
    const paused = () => cold('---t------f', { t: true, f: false });
    const out = (src: string) => cold(src).pipe(inactivityTimeout(0.005, { paused: paused() }), errorCode());
    expectObservable(out('-a------------b|')).toBe('-a------------b|');
    expectObservable(out('-a-----------------b|')).toBe('-a-------------#', undefined, 'OSSH_SLAVE_TIMEOUT');
  });
});

pure('the error is OSSH_SLAVE_TIMEOUT naming the host and the seconds; bad timeouts are rejected at once', () => {
  marbles().run(({ cold, flush }) => {
    let error: OpenSSHError | undefined;
    cold('-')
      .pipe(inactivityTimeout(0.002, { host: 'h1' }))
      .subscribe({ error: (e) => (error = e) });
    flush();
    assert.is(error?.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(error?.host, 'h1');
    assert.match(error!.message, 'timed out after 0.002 s without traffic (the command was killed)');
  });
  try {
    inactivityTimeout(1, { kill: false });
    assert.unreachable('accepted kill: false');
  } catch (e) {
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
  }
  for (const bad of [0, -1, NaN, Infinity, '5']) {
    try {
      inactivityTimeout(bad as number);
      assert.unreachable(`accepted ${String(bad)}`);
    } catch (e) {
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    }
  }
});

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: inactivityTimeout (${engine} engine)`);
  let ssh: OpenSSH;
  const dir = scratch(`timeout-${engine}`);
  test.before(async () => {
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(async () => {
    await disconnectAll();
    dir.remove();
  });
  if (!f) {
    test.run();
    continue;
  }

  test('a silent command times out and is ended on the server (an errored stream holds nothing)', async () => {
    const pidFile = dir.path('left.pid');
    const done = dir.path('left.done');
    // (the spawn engine's session is closed and the command dies at its next write: it writes before finishing)
    const cmd = `echo $$ > ${pidFile}; echo started; sleep 3; echo tick; touch ${done}`;
    const { values, error } = await settle(ssh.exec$({ timeout: 0 }, cmd).pipe(inactivityTimeout(1.5)));
    assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_TIMEOUT');
    assert.equal(
      values.map((e) => e.type),
      ['stdout'],
      'the output before the silence was delivered',
    );
    const pid = await pidFrom(pidFile);
    assert.ok(await eventually(async () => !(await remoteAlive(ssh, pid)), 10000), 'the remote command was ended');
    await new Promise((r) => setTimeout(r, 2000));
    assert.not.ok(existsSync(done), 'it never got to finish');
  });

  test('stderr traffic counts as traffic', async () => {
    const { values, error } = await settle(
      ssh.exec$('for i in 1 2 3 4 5 6; do echo $i >&2; sleep 0.2; done').pipe(inactivityTimeout(1)),
    );
    assert.is(error, undefined);
    assert.is(
      values
        .filter((e) => e.type === 'stderr')
        .map((e) => (e.type === 'stderr' ? e.data.toString() : ''))
        .join(''),
      '1\n2\n3\n4\n5\n6\n',
    );
    assert.equal(values.at(-1), { type: 'exit', code: 0, signal: null });
  });

  test.run();
}
