import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { killOnTimeout } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { sleep, strict } from '../helpers/setup';
import { assertRemoteGone, errorCode, marbles, pidFrom, scratch, settle } from './support';

strict();

const pure = suite('observables: killOnTimeout (logic)');

pure('marbles: on timeout the source is unsubscribed, then the error is delivered', () => {
  marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-b--------c|');
    expectObservable(src.pipe(killOnTimeout(0.005), errorCode())).toBe('-a-b----#', undefined, 'OSSH_SLAVE_TIMEOUT');
    expectSubscriptions(src.subscriptions).toBe('^-------!');
  });
});

pure('marbles: traffic keeps it alive; completion before the timeout passes', () => {
  marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-a-a-a-a-a|');
    expectObservable(src.pipe(killOnTimeout(0.003))).toBe('-a-a-a-a-a-a|');
    expectSubscriptions(src.subscriptions).toBe('^-----------!');
  });
});

pure('the error says the command was killed; bad timeouts are rejected at once', () => {
  marbles().run(({ cold, flush }) => {
    let error: OpenSSHError | undefined;
    cold('-')
      .pipe(killOnTimeout(0.002, { host: 'h2' }))
      .subscribe({ error: (e) => (error = e) });
    flush();
    assert.is(error?.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(error?.host, 'h2');
    assert.match(error!.message, '(the command was killed)');
  });
  try {
    killOnTimeout(-3);
    assert.unreachable('accepted');
  } catch (e) {
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
  }
});

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: killOnTimeout (${engine} engine)`);
  let ssh: OpenSSH;
  const dir = scratch(`kill-timeout-${engine}`);
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

  test('a command silent for too long is ended on the server, then OSSH_SLAVE_TIMEOUT', async () => {
    const pidFile = dir.path('silent.pid');
    const never = dir.path('silent.never');
    // silent for 4 s, then it would talk and finish: it must not get there. (The timeout is 1.5 s rather than
    // less so that a slow ssh start on a loaded machine still shows "started" before it.) (The mux engine ends it at
    // once with a TERM signal; the spawn engine's session is closed and the command dies at its next write.)
    const cmd = `echo $$ > ${pidFile}; echo started; sleep 4; echo tick; echo tock; touch ${never}`;
    const { values, error } = await settle(ssh.exec$(cmd).pipe(killOnTimeout(1.5, { host: ssh.getHost() })));
    assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_TIMEOUT');
    assert.is((error as OpenSSHError).host, ssh.getHost());
    assert.equal(
      values.map((e) => e.type),
      ['stdout'],
    );
    await assertRemoteGone(ssh, await pidFrom(pidFile), 'after killOnTimeout');
    await sleep(3000); // past the moment the command would have finished
    assert.not.ok(existsSync(never), 'the command never reached its end');
  });

  if (engine === 'mux')
    test('mux engine: even a command that never writes again is ended at once (SSH signal)', async () => {
      const pidFile = dir.path('sleeper.pid');
      const { error } = await settle(ssh.exec$(`echo $$ > ${pidFile}; exec sleep 30`).pipe(killOnTimeout(0.5)));
      assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_TIMEOUT');
      await assertRemoteGone(ssh, await pidFrom(pidFile), 'silent sleep after killOnTimeout');
    });

  test('a command that keeps talking is not killed', async () => {
    const { values, error } = await settle(
      ssh.exec$('for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.2; done').pipe(killOnTimeout(1)),
    );
    assert.is(error, undefined);
    assert.is(values.filter((e) => e.type === 'stdout').length >= 2, true);
    assert.equal(values.at(-1), { type: 'exit', code: 0, signal: null });
  });

  test.run();
}
