// exitCode() and throwOnFailure(): the two ways of looking at how a command ended.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { ExecEvent, OpenSSH, OpenSSHError } from '../../src/index';
import { exitCode, throwOnFailure } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';
import { settle } from './support';

strict();
const all = <T>(o: import('rxjs').Observable<T>) => lastValueFrom(o.pipe(toArray()));
const out = (s: string): ExecEvent => ({ type: 'stdout', data: Buffer.from(s) });
const err = (s: string): ExecEvent => ({ type: 'stderr', data: Buffer.from(s) });
const exit = (code: number | null, signal: string | null = null): ExecEvent => ({ type: 'exit', code, signal });

const pure = suite('observables: exitCode / throwOnFailure (logic)');

pure('exitCode: the code once; null for a signal; no exit event is an error', async () => {
  assert.equal(await all(of(out('x'), err('y'), exit(4)).pipe(exitCode())), [4]);
  assert.equal(await all(of(exit(null, 'KILL')).pipe(exitCode())), [null]);
  const { error } = await settle(of(out('x')).pipe(exitCode({ host: 'h' })));
  assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_FAILED');
  assert.match((error as OpenSSHError).message, 'without an exit status');
});

pure('throwOnFailure: success passes everything; failure keeps only the last 4 KiB of stderr', async () => {
  const ok = [out('a'), err('w'), exit(0)];
  assert.equal(await all(of(...ok).pipe(throwOnFailure())), ok);
  const noise = Array.from({ length: 100 }, (_, i) => err(`${String(i).padStart(99, '.')}\n`));
  const { values, error } = await settle(
    of(out('a'), ...noise, exit(null, 'TERM')).pipe(throwOnFailure({ host: 'h3' })),
  );
  const e = error as OpenSSHError;
  assert.is(values.length, 101, 'every event before the exit was delivered');
  assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
  assert.is(e.signal, 'TERM');
  assert.is(e.host, 'h3');
  assert.is(e.stderr!.length, 4096);
  assert.ok(e.stderr!.endsWith(`${'.'.repeat(97)}99\n`));
  assert.match(e.message, /signal TERM: \.+99$/);
});

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: exitCode / throwOnFailure (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test('exitCode: the remote code, output ignored', async () => {
    assert.equal(await all(ssh.exec$('echo noise; echo more >&2; exit 3').pipe(exitCode())), [3]);
    assert.equal(await all(ssh.exec$('true').pipe(exitCode())), [0]);
  });

  test('exitCode: a command killed by a signal', async () => {
    const [code] = await all(ssh.exec$('kill -TERM $$').pipe(exitCode()));
    // ssh (spawn engine) turns a remote signal into exit code 255; the mux engine reports the signal itself
    assert.is(code, engine === 'spawn' ? 255 : null);
  });

  test('throwOnFailure: OSSH_SLAVE_CMD_FAILED with code and stderr tail, after the output', async () => {
    const { values, error } = await settle(
      ssh.exec$('echo out; echo first >&2; echo oops >&2; exit 2').pipe(throwOnFailure({ host: ssh.getHost() })),
    );
    const e = error as OpenSSHError;
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.is(e.exitCode, 2);
    assert.is(e.host, ssh.getHost());
    assert.is(e.stderr, 'first\noops\n');
    assert.is(e.message, 'the command exited with code 2: oops');
    assert.ok(values.some((v) => v.type === 'stdout' && v.data.toString() === 'out\n'));
    assert.not.ok(
      values.some((v) => v.type === 'exit'),
      'the failed exit is the error, not a value',
    );
  });

  test('throwOnFailure: a successful command ends with its exit event', async () => {
    const values = await all(ssh.exec$('echo fine').pipe(throwOnFailure()));
    assert.equal(values.at(-1), { type: 'exit', code: 0, signal: null });
  });

  test.run();
}
