// The connection-level streams: capture$ and lines$.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { capture$, lines$ } from '../../src/observables/index';
import { raw } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';
import { assertRemoteGone, pidFrom, scratch, settle } from './support';

strict();
const all = <T>(o: import('rxjs').Observable<T>) => lastValueFrom(o.pipe(toArray()));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const throwsCode = (fn: () => unknown, code: string, re?: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.is((e as OpenSSHError).code, code);
    if (re) assert.match((e as OpenSSHError).message, re);
    return;
  }
  assert.unreachable(`no ${code} thrown`);
};

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: capture$ / lines$ (${engine} engine)`);
  let ssh: OpenSSH;
  const dir = scratch(`capture-${engine}`);
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

  test('capture$: Buffer chunks whose bytes equal what the server wrote', async () => {
    const file = dir.path('random.bin');
    const chunks = await all(capture$(ssh, `head -c 3000000 /dev/urandom | tee ${file}`));
    assert.ok(chunks.length > 1 && chunks.every((c) => Buffer.isBuffer(c)));
    assert.is(sha(Buffer.concat(chunks)), sha(readFileSync(file)));
  });

  test('capture$: several arguments are quoted; an encoding gives strings', async () => {
    const text = (await all(capture$(ssh, { encoding: 'utf-8' }, 'printf', '%s|', 'café ☺', '$HOME', 'a b'))).join('');
    assert.is(text, 'café ☺|$HOME|a b|');
    const asBytes = await all(capture$(ssh, { encoding: 'bytes' }, 'printf', 'x'));
    assert.ok(Buffer.isBuffer(asBytes[0]));
  });

  test(
    'capture$: a non-zero exit errors with OSSH_SLAVE_CMD_FAILED ' + 'after the output, with the stderr tail',
    async () => {
      const err: string[] = [];
      const { values, error } = await settle(
        capture$(
          ssh,
          { encoding: 'utf-8', stderrFh: (c: Buffer) => err.push(c.toString()) },
          'echo partial; echo bad thing >&2; exit 5',
        ),
      );
      const e = error as OpenSSHError;
      assert.equal(values, ['partial\n']);
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.is(e.exitCode, 5);
      assert.is(e.host, ssh.getHost());
      assert.is(e.message, 'the command exited with code 5: bad thing');
      assert.equal(err, ['bad thing\n']);
    },
  );

  test('capture$ / lines$ with exitEvent: the exit event is the last value, no error', async () => {
    const values = await all(capture$(ssh, { exitEvent: true, stderrDiscard: true }, 'printf out; exit 4'));
    assert.is(values.length, 2);
    assert.is(values[0]!.toString(), 'out');
    assert.equal(values[1], { type: 'exit', code: 4, signal: null });
    const ls = await all(lines$(ssh, { exitEvent: true }, "printf 'a\\nb'; exit 6"));
    assert.equal(
      ls,
      ['a', 'b', { type: 'exit', code: 6, signal: null }],
      'the partial last line comes before the exit event',
    );
  });

  test('lines$: complete lines, the last partial line flushed at exit', async () => {
    assert.equal(await all(lines$(ssh, "printf 'one\\ntwo\\n\\nthree'")), ['one', 'two', '', 'three']);
    assert.equal(await all(lines$(ssh, { separator: ';', keepSeparator: true }, 'printf', 'a;b;c')), ['a;', 'b;', 'c']);
    assert.equal(await all(lines$(ssh, { crlf: true }, "printf 'w\\r\\nx\\r\\n'")), ['w', 'x']);
  });

  test('lines$: a failing command still delivers its last partial line, then the error', async () => {
    const { values, error } = await settle(lines$(ssh, { stderrDiscard: true }, "printf 'l1\\nl2'; exit 3"));
    assert.equal(values, ['l1', 'l2']);
    assert.is((error as OpenSSHError).exitCode, 3);
  });

  test('lines$: decoding options (latin1 bytes as windows-1252; bad UTF-8 fails or is replaced)', async () => {
    assert.equal(await all(lines$(ssh, { encoding: 'latin1' }, "printf 'caf\\351\\n'")), ['café']);
    // `encoding` applies to the arguments too: é goes out as the byte e9 and comes back decoded
    // (the spawn engine can only pass UTF-8 command lines: Node encodes argv as UTF-8)
    if (engine === 'mux')
      assert.equal(
        await all(
          lines$(ssh, { encoding: 'latin1' }, 'printf', '%s|%d\\n', 'café', raw('"$(printf %s café | wc -c)"')),
        ),
        ['café|4'],
      );
    // streamEncoding only for the output: any TextDecoder label
    assert.equal(await all(lines$(ssh, { streamEncoding: 'utf-16le' }, "printf 'h\\000i\\000\\n\\000'")), ['hi']);
    assert.equal((await all(capture$(ssh, { streamEncoding: 'shift_jis' }, "printf '\\202\\240'"))).join(''), 'あ');
    const bad = await settle(lines$(ssh, "printf 'ok\\377\\n'"));
    assert.is((bad.error as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
    assert.equal(await all(lines$(ssh, { fatal: false }, "printf 'ok\\377\\n'")), ['ok\ufffd']);
  });

  test('cold: nothing runs before subscribing; each subscription runs the command again', async () => {
    const counter = dir.file('count');
    const o = lines$(ssh, `echo x >> ${counter}; echo $$`);
    assert.is(readFileSync(counter, 'utf8'), '', 'not started by creating it');
    const [a] = await all(o);
    const [b] = await all(o);
    assert.is(readFileSync(counter, 'utf8'), 'x\nx\n');
    assert.is.not(a, b, 'two remote processes');
  });

  test('timeout + killSshOnTimeout: OSSH_SLAVE_TIMEOUT and the remote command ended', async () => {
    const pidFile = dir.path('timeout.pid');
    const { error } = await settle(
      lines$(
        ssh,
        { timeout: 0.5, killSshOnTimeout: true },
        `echo $$ > ${pidFile}; sleep 1.5; while :; do echo tick; sleep 0.1; done`,
      ),
    );
    assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_TIMEOUT');
    assert.match((error as OpenSSHError).message, 'killed');
    await assertRemoteGone(ssh, await pidFrom(pidFile), 'after the timeout');
  });

  test('bad options throw at once: unknown names, bad types, conflicts, unknown encodings', () => {
    throwsCode(() => capture$(ssh, { bogus: 1 } as never, 'true'), 'OSSH_INVALID_ARGUMENT', /unknown option `bogus`/);
    throwsCode(() => capture$(ssh, { stdoutFile: '/tmp/x' } as never, 'true'), 'OSSH_INVALID_ARGUMENT');
    throwsCode(() => lines$(ssh, { separator: '' }, 'true'), 'OSSH_INVALID_ARGUMENT');
    throwsCode(() => capture$(ssh, { fatal: 'yes' } as never, 'true'), 'OSSH_INVALID_ARGUMENT');
    throwsCode(() => capture$(ssh, { timeout: -1 }, 'true'), 'OSSH_INVALID_ARGUMENT');
    throwsCode(
      () => capture$(ssh, { stderrDiscard: true, stderrFh: process.stderr }, 'true'),
      'OSSH_INVALID_ARGUMENT',
      /conflicting/,
    );
    throwsCode(() => capture$(ssh, { stdinData: 1 } as never, 'cat'), 'OSSH_INVALID_ARGUMENT');
    throwsCode(() => capture$(ssh, { encoding: 'klingon' }, 'true'), 'OSSH_ENCODING_ERROR', /bad encoding 'klingon'/);
    throwsCode(() => lines$(ssh, { streamEncoding: 'klingon' }, 'true'), 'OSSH_ENCODING_ERROR');
    throwsCode(() => capture$(ssh, { encoding: 'utf-16le' }, 'true'), 'OSSH_INVALID_ARGUMENT', /argument encoding/);
  });

  test('a byte argument first is part of the command, not options', async () => {
    assert.equal(await all(lines$(ssh, Buffer.from('printf'), '%s\\n', 'bytes ok')), ['bytes ok']);
  });

  test('stdin options reach the command', async () => {
    assert.equal(await all(lines$(ssh, { stdinData: ['b\n', 'a\n'] }, 'sort')), ['a', 'b']);
  });

  test.run();
}
