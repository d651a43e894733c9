import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import type { ExecEvent, OpenSSH, OpenSSHError } from '../../src/index';
import { lines, stdout, teeStderr, throwOnFailure } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';
import { assertRemoteGone, pidFrom, scratch, settle } from './support';

strict();
const all = <T>(o: import('rxjs').Observable<T>) => lastValueFrom(o.pipe(toArray()));

const pure = suite('observables: teeStderr (logic)');

pure('stderr chunks go to a function, an Observer or a Writable; every event passes on', async () => {
  const events: ExecEvent[] = [
    { type: 'stdout', data: Buffer.from('o') },
    { type: 'stderr', data: Buffer.from('e1') },
    { type: 'stderr', data: Buffer.from('e2') },
    { type: 'exit', code: 0, signal: null },
  ];
  const seen: string[] = [];
  assert.equal(await all(of(...events).pipe(teeStderr((c) => seen.push(c.toString())))), events);
  assert.equal(seen, ['e1', 'e2']);
  const subject = new Subject<Buffer>();
  const viaSubject: string[] = [];
  subject.subscribe((c) => viaSubject.push(c.toString()));
  await all(of(...events).pipe(teeStderr(subject)));
  assert.equal(viaSubject, ['e1', 'e2']);
  assert.not.ok(subject.closed, 'the Observer is not completed');
  const w = new PassThrough();
  await all(of(...events).pipe(teeStderr(w)));
  assert.is(w.read().toString(), 'e1e2');
  assert.not.ok(w.writableEnded, 'the Writable is not ended');
});

pure('a bad target is rejected at once', () => {
  try {
    teeStderr(42 as never);
    assert.unreachable('accepted');
  } catch (e) {
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
  }
});

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: teeStderr (${engine} engine)`);
  let ssh: OpenSSH;
  const dir = scratch(`tee-${engine}`);
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

  test('stderr captured beside stdout lines, and still in the failure message', async () => {
    const err = new PassThrough();
    const { values, error } = await settle(
      ssh
        .exec$('echo a; echo warn1 >&2; echo b; echo warn2 >&2; exit 1')
        .pipe(teeStderr(err), throwOnFailure(), stdout(), lines()),
    );
    assert.equal(values, ['a', 'b']);
    assert.is(err.read().toString(), 'warn1\nwarn2\n');
    assert.is((error as OpenSSHError).message, 'the command exited with code 1: warn2');
  });

  test('a target that throws ends the stream with its error, and the remote command', async () => {
    const pidFile = dir.path('tee.pid');
    const boom = new Error('target failed');
    const { error } = await settle(
      ssh.exec$(`echo $$ > ${pidFile}; while :; do echo tick; echo tock >&2; sleep 0.1; done`).pipe(
        teeStderr(() => {
          throw boom;
        }),
      ),
    );
    assert.is(error, boom);
    await assertRemoteGone(ssh, await pidFrom(pidFile), 'after the stderr target threw');
  });

  test.run();
}
