// OpenSSH's sshd with restrictive settings, on both engines: each works, or fails at once with a typed error saying
// what the server refused. (sshd keeps a keyword's first value; a `Match` block overrides the fixture's defaults.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:net';
import type { OpenSSHError } from '../../src/index';
import { captureTunnel } from '../../src/tunnels/tunnel';
import { type SshdFixture, startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, rejects, strict } from '../helpers/setup';

strict();

const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;

const started: SshdFixture[] = [];
const sshd = async (opts: Parameters<typeof startSshd>[0]) => {
  const f = await startSshd(opts);
  if (f) started.push(f);
  return f;
};
const onePerSession = await sshd({ maxSessions: 1 });
const noSessions = await sshd({ extraConfig: ['Match User *', '  MaxSessions 0'] });
const noForwarding = await sshd({ extraConfig: ['Match User *', '  AllowTcpForwarding no'] });
const disabled = await sshd({ extraConfig: ['Match User *', '  DisableForwarding yes'] });
const noTty = await sshd({ extraConfig: ['Match User *', '  PermitTTY no'] });
const forced = await sshd({ extraConfig: ['Match User *', '  ForceCommand echo forced; exit 3'] });

for (const engine of ENGINES) {
  const test = suite(`servers: restrictive sshd settings (${engine} engine)`);
  test.after(() => disconnectAll());

  if (onePerSession)
    test('MaxSessions 1, told as maxSessions: 1: 10 at once all succeed, one session at a time', async () => {
      const ssh = connect(onePerSession, { engine, maxSessions: 1 });
      const outs = await noHang(Promise.all(Array.from({ length: 10 }, (_, i) => ssh.capture(`echo ${i}`))), '10');
      assert.equal(
        outs,
        Array.from({ length: 10 }, (_, i) => `${i}\n`),
      );
    });

  if (onePerSession)
    test('MaxSessions 1, not told: the refusals teach the limit, 10 at once all succeed on one master', async () => {
      const ssh = connect(onePerSession, { engine });
      await ssh.waitForMaster();
      const pid = ssh.masterPid;
      const outs = await noHang(Promise.all(Array.from({ length: 10 }, (_, i) => ssh.capture2(`echo ${i}`))), '10');
      // nothing of a refused slave reaches the caller: no ssh line on stderr
      assert.equal(
        outs,
        Array.from({ length: 10 }, (_, i) => [`${i}\n`, '']),
      );
      assert.is(ssh.masterPid, pid);
      // a command given stdin is not started again (its input went to the refused slave): with the limit learnt,
      // it waits for its turn instead
      const withInput = await noHang(
        Promise.all(Array.from({ length: 4 }, (_, i) => ssh.capture({ stdinData: `in${i}` }, 'cat'))),
        'with stdin',
      );
      assert.equal(withInput, ['in0', 'in1', 'in2', 'in3']);
    });

  if (noSessions)
    test('MaxSessions 0: a command fails at once with OSSH_SLAVE_FAILED naming the refusal', async () => {
      const ssh = connect(noSessions, { engine });
      const e = await noHang(rejects<OpenSSHError>(ssh.capture('echo never')), 'the refusal');
      assert.is(e.code, 'OSSH_SLAVE_FAILED');
      assert.match(e.message, /the server refused/);
    });

  for (const [setting, f] of [
    ['AllowTcpForwarding no', noForwarding],
    ['DisableForwarding yes', disabled],
  ] as const)
    if (f)
      test(`${setting}: a tunnel fails at once with OSSH_SLAVE_FAILED naming the refusal; commands work`, async () => {
        const ssh = connect(f, { engine });
        const e = await rejects<OpenSSHError>(captureTunnel(ssh, { stdinData: 'x' }, '127.0.0.1', echoPort));
        assert.is(e.code, 'OSSH_SLAVE_FAILED');
        assert.match(e.message, /the server refused it/);
        assert.is(await ssh.capture('echo still'), 'still\n');
      });

  if (noTty)
    test('PermitTTY no: a command wanting a tty runs without one; its failure says the tty was refused', async () => {
      const ssh = connect(noTty, { engine });
      const e = await rejects<OpenSSHError>(ssh.capture({ tty: true }, 'tty'));
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.match(e.message, engine === 'mux' ? 'the server refused a tty' : 'PTY allocation request failed');
      assert.is(await ssh.capture('echo no tty needed'), 'no tty needed\n');
    });

  if (forced)
    test("ForceCommand: a command runs the server's command instead, its output and exit code reported", async () => {
      const ssh = connect(forced, { engine });
      const e = await rejects<OpenSSHError>(ssh.capture('echo mine'));
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.is(e.exitCode, 3);
      assert.is((e as OpenSSHError & { stdout?: string }).stdout, 'forced\n');
    });

  test.run();
}

const done = suite('servers: restrictive sshd teardown');
done.after(async () => {
  await new Promise((r) => echo.close(r));
  await Promise.all(started.map((f) => f.destroy()));
});
done('the servers stop', () => {});
done.run();
