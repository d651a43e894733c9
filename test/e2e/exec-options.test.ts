// exec$ honours the timeout and AbortSignal given per call; capture$ and lines$ as methods.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';
import { assertRemoteGone, assertRemoteRunning, uniqueMarker } from '../helpers/remote';

strict();
const f = await sharedSshd();

for (const engine of ENGINES) {
  const test = suite(`e2e: exec$ options, capture$ and lines$ methods (${engine})`);
  test.after(disconnectAll);
  if (f) {
    test('exec$({ timeout }) errors with OSSH_SLAVE_TIMEOUT after that long without traffic', async () => {
      const ssh = connect(f, { engine });
      const e = await rejects<OpenSSHError>(
        lastValueFrom(ssh.exec$({ timeout: 0.3, killSshOnTimeout: true }, 'sleep 5')),
      );
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    });

    test('exec$({ signal }) errors with OSSH_ABORTED when aborted', async () => {
      const ssh = connect(f, { engine });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      const e = await rejects<OpenSSHError>(
        lastValueFrom(ssh.exec$({ signal: ac.signal }, 'while :; do echo x; sleep 0.05; done')),
      );
      assert.is(e.code, 'OSSH_ABORTED');
    });

    test('a process handle obeys `signal`: abort ends the remote command; an aborted one starts nothing', async () => {
      const ssh = connect(f, { engine });
      const m = uniqueMarker();
      const ac = new AbortController();
      const p = await ssh.spawn(
        { signal: ac.signal, stdoutDiscard: true, stderrDiscard: true },
        `exec tail -f /dev/null ${m}`,
      );
      await assertRemoteRunning(ssh, m, 'before the abort');
      ac.abort();
      const st = await p.exit;
      assert.is.not(st.code, 0, 'the process did not finish on its own');
      await assertRemoteGone(ssh, m, 'after the abort');
      await rejects<OpenSSHError>(ssh.openEx({ signal: ac.signal }, 'true'), (e) => e.code === 'OSSH_ABORTED');
    });

    test('ssh.lines$ and ssh.capture$', async () => {
      const ssh = connect(f, { engine });
      assert.equal(await lastValueFrom(ssh.lines$('printf "a\\nb\\nc"').pipe(toArray())), ['a', 'b', 'c']);
      const chunks = await lastValueFrom(ssh.capture$('printf xyz').pipe(toArray()));
      assert.is(Buffer.concat(chunks).toString(), 'xyz');
      const text = await lastValueFrom(ssh.capture$({ streamEncoding: 'utf8' }, 'printf é').pipe(toArray()));
      assert.is(text.join(''), 'é');
      await rejects<OpenSSHError>(
        lastValueFrom(ssh.lines$('echo partial; exit 3')),
        (e) => e.code === 'OSSH_SLAVE_CMD_FAILED',
      );
    });
  }
  test.run();
}
