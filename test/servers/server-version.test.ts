// The server's version is learnt from what the master's ssh logs while it connects (LogVerbose for that one line with
// OpenSSH 8.5 and later, else LogLevel=DEBUG1), and the lines that adds are taken out again: the master's stderr, as
// errors and masterStderrFh see it, reads as at ssh's default level (no debug line, never a command). A level set in
// masterOpts wins. src/core/server-version.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { uniqueMarker } from '../helpers/remote';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await startSshd();

for (const engine of ENGINES) {
  const test = suite(`servers: the server's version (${engine} engine)`);
  test.after(() => disconnectAll());
  if (f) {
    test("OpenSSH's sshd: its version is known once running; its stderr has no debug line nor command", async () => {
      const err = new PassThrough();
      let seen = '';
      err.on('data', (d: Buffer) => (seen += d.toString()));
      const ssh = connect(f, { engine, masterStderrFh: err });
      await ssh.waitForMaster();
      assert.match(ssh.serverVersion ?? '', /^OpenSSH_\d/);
      const m = uniqueMarker();
      assert.is(await ssh.capture('echo', m), `${m}\n`);
      await ssh.disconnect();
      assert.not.match(seen, /debug\d: /);
      assert.not.ok(seen.includes(m), 'the command is not in the master stderr');
    });

    test('a failed login: the error gives the reason and ssh stderr without debug lines', async () => {
      const ssh = connect(f, { engine }, `nosuchuser-${uniqueMarker()}@127.0.0.1:${f.port}`);
      const e = await rejects<OpenSSHError>(ssh.waitForMaster());
      assert.is(e.code, 'OSSH_MASTER_FAILED');
      assert.match(e.message, /authentication failed/);
      assert.match(e.stderr ?? '', /Permission denied/);
      assert.not.match(e.stderr ?? '', /debug\d: /);
    });

    test('the master logs the version line alone, no line per command (LogVerbose, OpenSSH 8.5+)', async () => {
      // its log goes to a file (-E, no level of the test's own): what the library's arguments make ssh log
      const log = join(f.dir, `master-${uniqueMarker()}.log`);
      const ssh = connect(f, { engine, masterOpts: ['-E', log, '-F', f.configPath] });
      for (let i = 0; i < 5; i++) assert.is(await ssh.capture('echo', String(i)), `${i}\n`);
      await ssh.disconnect();
      const text = readFileSync(log, 'utf8');
      assert.match(text, /Remote protocol version [^,]+, remote software version OpenSSH_/);
      assert.not.match(text, /channel/, 'nothing per command (LogLevel=DEBUG1 logs each channel opened and freed)');
    });

    test('a log level in masterOpts wins: nothing learnt, commands work', async () => {
      const ssh = connect(f, { engine, masterOpts: ['-F', f.configPath, '-o', 'LogLevel=ERROR'] });
      assert.is(await ssh.capture('echo ok'), 'ok\n');
      assert.is(ssh.serverVersion, undefined);
    });
  }
  test.run();
}

const done = suite("servers: the server's version, teardown");
done.after(async () => {
  await f?.destroy();
});
done('the server stops', () => {});
done.run();
