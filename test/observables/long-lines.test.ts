// Long lines against the real sshd: 32 MiB without a separator arrives whole and exact (the splitter is linear:
// this took 15.8 s when each chunk re-read the pending line), and a line over maxLineLength fails the stream with
// OSSH_SLAVE_PIPE_FAILED and ends the remote command, on each path that splits lines.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Observable } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { lines, lines$, stdout } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { assertRemoteGone, uniqueMarker } from '../helpers/remote';
import { strict } from '../helpers/setup';
import { MiB, sized } from '../helpers/sizes';
import { settle } from './support';

strict();
const LONG = sized(32 * MiB, 8 * MiB); // the quick suite's is smaller (test/helpers/sizes.ts)
// 1,2,3,... up to well past LONG, cut at LONG: not uniform, so a lost or repeated chunk shows
const SEQ_TO = sized(5_000_000, 1_500_000);
const expected = (() => {
  const parts: string[] = [];
  for (let i = 1; i <= SEQ_TO; i++) parts.push(String(i));
  return `${parts.join(',')},`.slice(0, LONG);
})();

/** An endless line (no separator ever), with `marker` in the command line of the process writing it. */
const endless = (marker: string) => `yes ${marker} | tr -d '\\n'`;

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: long lines (${engine} engine)`);
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

  test(`a ${LONG / MiB} MiB line without a separator, with the limit raised: complete and exact`, async () => {
    const started = Date.now();
    const cmd = `seq 1 ${SEQ_TO} | tr '\\n' , | head -c ${LONG}`;
    const { values, error } = await settle(ssh.lines$({ maxLineLength: LONG }, cmd), 120_000);
    const ms = Date.now() - started;
    console.log(`    ${engine}: lines$ of one ${LONG / MiB} MiB line: ${ms} ms`);
    assert.is(error, undefined);
    assert.is(values.length, 1);
    assert.is(values[0]!.length, LONG);
    assert.ok(values[0] === expected, 'the line is the bytes sent');
  });

  test('one character over the limit fails; exactly the limit passes (the separator not counted)', async () => {
    const at = await settle(lines$(ssh, { maxLineLength: 100_000 }, `head -c 100000 /dev/zero | tr '\\0' a; echo`));
    assert.is(at.error, undefined);
    assert.equal(at.values, ['a'.repeat(100_000)]);
    const over = await settle(lines$(ssh, { maxLineLength: 100_000 }, `head -c 100001 /dev/zero | tr '\\0' a; echo`));
    assert.is((over.error as OpenSSHError).code, 'OSSH_SLAVE_PIPE_FAILED');
    assert.equal(over.values, []);
  });

  const overLimit: Array<[string, (marker: string) => Observable<string>]> = [
    ['ssh.lines$ (default limit)', (m) => ssh.lines$(endless(m))],
    ['lines$(ssh) with maxLineLength', (m) => lines$(ssh, { maxLineLength: 4096 }, endless(m))],
    ['exec$ | stdout() | lines()', (m) => ssh.exec$(endless(m)).pipe(stdout(), lines())],
  ];
  for (const [how, stream] of overLimit) {
    test(`${how}: an endless line fails with OSSH_SLAVE_PIPE_FAILED and the remote command ends`, async () => {
      const marker = uniqueMarker();
      const { values, error } = await settle(stream(marker));
      const e = error as OpenSSHError;
      assert.is(e?.code, 'OSSH_SLAVE_PIPE_FAILED', String(e));
      assert.match(e.message, /longer than maxLineLength/);
      assert.match(e.message, /pass a larger `maxLineLength`/);
      assert.equal(values, []);
      await assertRemoteGone(ssh, marker, how);
      // the connection goes on
      assert.is(await ssh.capture('echo', 'still here'), 'still here\n');
    });
  }

  test.run();
}
