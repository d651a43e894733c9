// A request too large for one mux proxy packet fails alone. The master reads at most 262,144 bytes per packet
// from a proxy client (its length prefix included) and closes the whole socket otherwise, failing every
// command on it; the mux engine refuses such a call before sending, as OSSH_INVALID_ARGUMENT naming the limit.
// The spawn engine fails the call alone too (E2BIG from Linux's 128 KiB per argument). Either way, a command
// already running on the same connection completes and the connection keeps working.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type OpenSSH, OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const PACKET = 262_144;
// exec request: uint32 length, byte padding, byte type, uint32 recipient, string "exec", bool, string command
const COMMAND_LIMIT = PACKET - (4 + 1 + 1 + 4 + (4 + 4) + 1 + 4); // 262,121, measured against OpenSSH 9.2
const ENV_KEY = 'LC_X';
// env request: ... string "env", bool, string name, string value
const ENV_LIMIT = PACKET - (4 + 1 + 1 + 4 + (4 + 3) + 1 + (4 + ENV_KEY.length) + 4); // 262,114, measured

/** A shell command line of exactly `n` bytes that does nothing. */
const commandOf = (n: number) => `true #${'x'.repeat(n - 6)}`;

/** Starts `sleep 1; echo ok` and resolves once it is running (its first line arrived), with its output. */
const running = async (ssh: OpenSSH): Promise<{ done: Promise<string> }> => {
  let started!: () => void;
  const go = new Promise<void>((r) => (started = r));
  let out = '';
  const done = new Promise<string>((resolve, reject) =>
    ssh.exec$('echo started; sleep 1; echo ok').subscribe({
      next: (e) => {
        if (e.type !== 'stdout') return;
        out += e.data.toString();
        started();
      },
      error: (e) => (started(), reject(e)),
      complete: () => resolve(out),
    }),
  );
  done.catch(() => {}); // awaited by the test, after the oversized call
  await go;
  return { done }; // wrapped: an async function's result is never itself a promise
};

const refusedByMux = (e: unknown) =>
  e instanceof OpenSSHError &&
  e.code === 'OSSH_INVALID_ARGUMENT' &&
  /262144-byte/.test(e.message) &&
  /stdin/.test(e.message);

for (const engine of ENGINES) {
  const test = suite(`e2e: oversized requests fail alone (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    ssh = connect(f!, { engine });
    assert.is(await ssh.capture('echo hi'), 'hi\n');
  });
  test.after(() => disconnectAll());

  test('a command line over the packet limit fails alone; a concurrent command completes', async () => {
    const concurrent = (await running(ssh)).done;
    const e = await rejects(ssh.capture(commandOf(COMMAND_LIMIT + 1)));
    assert.instance(e, OpenSSHError);
    if (engine === 'mux') assert.ok(refusedByMux(e), String(e));
    assert.is(await concurrent, 'started\nok\n');
    assert.is(await ssh.capture('echo after'), 'after\n');
  });

  test('an env value over the packet limit fails alone; a concurrent command completes', async () => {
    const concurrent = (await running(ssh)).done;
    const e = await rejects(ssh.capture({ env: { [ENV_KEY]: 'y'.repeat(ENV_LIMIT + 1) } }, 'true'));
    assert.instance(e, OpenSSHError);
    if (engine === 'mux') assert.ok(refusedByMux(e), String(e));
    assert.is(await concurrent, 'started\nok\n');
    assert.is(await ssh.capture('echo after'), 'after\n');
  });

  if (engine === 'spawn') {
    // spawn() throws E2BIG at once; a slave started from the session queue once threw it out of a 'close' handler
    test('an argv too big to spawn, started from the session queue, fails alone and frees its session', async () => {
      const one = connect(f!, { engine, maxSessions: 2 }); // one session for all (see sessionLimit)
      const busy = one.capture('sleep 0.5; echo busy');
      const queued = one.capture('echo', 'x'.repeat(300_000));
      const e = await rejects<OpenSSHError>(queued);
      assert.is(e.code, 'OSSH_SLAVE_FAILED');
      assert.match(e.message, /E2BIG/);
      assert.is(await busy, 'busy\n');
      assert.is(await one.capture('echo', 'after'), 'after\n', 'the session it held is free again');
    });
  }
  if (engine === 'mux') {
    // at the limit the master carries the request; the remote shell then refuses a 256 KiB `sh -c` argument
    // (E2BIG), which fails that command alone: what is asserted is that it was sent and the socket survived
    test('requests at the packet limit are sent, and the socket survives them', async () => {
      for (const attempt of [
        () => ssh.capture(commandOf(COMMAND_LIMIT)),
        () => ssh.capture({ env: { [ENV_KEY]: 'y'.repeat(ENV_LIMIT) } }, 'true'),
      ]) {
        const concurrent = (await running(ssh)).done;
        const e = await rejects<OpenSSHError>(attempt());
        assert.instance(e, OpenSSHError);
        assert.is.not(e.code, 'OSSH_INVALID_ARGUMENT', e.message.slice(0, 300));
        assert.is.not(e.code, 'OSSH_MASTER_FAILED');
        assert.is(await concurrent, 'started\nok\n');
      }
      const big = 100_000; // under the remote 128 KiB argument limit: it runs
      assert.is(await ssh.capture(`printf %s ${'z'.repeat(big)} | wc -c`), `${big}\n`);
    });
  }

  test.run();
}
