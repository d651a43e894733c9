// An Observable that has errored holds nothing (issue 14): `inactivityTimeout` with its default options,
// and the connection `timeout` of `lines$`, error the stream AND end the remote command, checked on the
// server, and leave no ssh slave behind. The command is a `tail -f` that prints a line and then goes silent.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Observable } from 'rxjs';
import { inactivityTimeout, lines$, type OpenSSH, type OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { scratch, settle } from '../observables/support';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { childProcesses } from '../helpers/processes';
import { assertRemoteGone } from '../helpers/remote';
import { eventually, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
/** Hang guard: a stream that never errors fails its test after this long (and is unsubscribed). */
const GUARD_MS = 15_000;

for (const engine of ENGINES) {
  const test = suite(`e2e: an errored Observable holds no command (${engine} engine)`);
  /** The fixture's usual options (its `timeout` is far longer than the operator's). */
  let ssh: OpenSSH;
  /** A connection with a one-second `timeout`. */
  let timed: OpenSSH;
  const dir = scratch(`errored-${engine}`);
  let n = 0;
  /** A log with one line and a command following it: endless, and silent after that line. */
  const follow = () => {
    const log = dir.file(`log-${++n}`, 'line 1\n');
    return { log, running: `tail -f ${log}`, cmd: `exec tail -f ${log}` };
  };
  /** ssh slave processes of ours on `conn` (spawn engine), not yet reaped; none may be left. */
  const slaves = (conn: OpenSSH) =>
    childProcesses().filter(
      (p) => p.cmd.includes(conn.getCtlPath()!) && p.cmd.includes('ControlMaster=no') && p.state !== 'Z',
    );
  const assertNoSlaves = async (conn: OpenSSH, what: string) => {
    const none = await eventually(() => slaves(conn).length === 0);
    assert.ok(none, `${what}: ssh slaves left: ${JSON.stringify(slaves(conn))}`);
  };
  /** Runs `o` to its error; asserts the line came first and the error is OSSH_SLAVE_TIMEOUT. */
  const assertTimesOutAfterLine = async (o: Observable<unknown>, line: (v: unknown) => string, what: string) => {
    const { values, error } = await settle(o, GUARD_MS);
    assert.is((error as OpenSSHError | undefined)?.code, 'OSSH_SLAVE_TIMEOUT', `${what}: ${String(error)}`);
    assert.equal(values.map(line), ['line 1'], `${what}: the line before the silence was delivered`);
  };

  test.before(async () => {
    ssh = connect(f!, { engine });
    timed = connect(f!, { engine, timeout: 1 });
    await Promise.all([ssh.waitForMaster(), timed.waitForMaster()]);
  });
  test.after(async () => {
    await disconnectAll();
    dir.remove();
  });
  if (!f) {
    test.run();
    continue;
  }

  test('exec$ | inactivityTimeout(1), default options: OSSH_SLAVE_TIMEOUT, and the command is ended', async () => {
    const fx = follow();
    const o = ssh.exec$(fx.cmd).pipe(inactivityTimeout(1));
    const chunk = (v: unknown) => {
      const e = v as { type: string; data?: Buffer };
      return e.type === 'stdout' ? e.data!.toString().trimEnd() : `${e.type}?`;
    };
    await assertTimesOutAfterLine(o, chunk, 'exec$ | inactivityTimeout(1)');
    await assertRemoteGone(ssh, fx.running, 'exec$ | inactivityTimeout(1)');
    await assertNoSlaves(ssh, 'exec$ | inactivityTimeout(1)');
  });

  test('ssh.lines$ on a connection with timeout: OSSH_SLAVE_TIMEOUT, and the command is ended', async () => {
    const fx = follow();
    await assertTimesOutAfterLine(timed.lines$(fx.cmd), String, 'ssh.lines$');
    await assertRemoteGone(ssh, fx.running, 'ssh.lines$');
    await assertNoSlaves(timed, 'ssh.lines$');
  });

  test('lines$(ssh) on a connection with timeout: OSSH_SLAVE_TIMEOUT, and the command is ended', async () => {
    const fx = follow();
    await assertTimesOutAfterLine(lines$(timed, fx.cmd), String, 'lines$(ssh)');
    await assertRemoteGone(ssh, fx.running, 'lines$(ssh)');
    await assertNoSlaves(timed, 'lines$(ssh)');
  });

  test.run();
}
