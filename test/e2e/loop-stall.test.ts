// Issue 20, defect 7: a timer that judges the master (or a command's silence) must not fire because our own
// event loop was busy.
// Each test blocks the loop (a busy loop, as hundreds of forks from the main thread do) for longer than
// the timer, at the moment the master has to answer, and asserts that nothing is reported missing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { muxAliveCheck } from '../../src/core/engines/mux/control-socket';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { eventually, noHang, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();

/** Keeps the event loop busy for `ms`: nothing else of this process runs meanwhile. */
const busy = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
};

/** A ProxyCommand that waits `seconds`, then relays to the sshd (a slow network to a live server). */
const slowProxy = (port: number, seconds: number): string => {
  const relay =
    `setTimeout(()=>{const s=require("net").connect(${port},"127.0.0.1");` +
    `process.stdin.pipe(s);s.pipe(process.stdout);s.on("close",()=>process.exit(0))},${seconds * 1000})`;
  return `ProxyCommand=${process.execPath} -e '${relay}'`;
};

for (const engine of ENGINES) {
  const test = suite(`e2e: a stalled event loop is not a silent master (${engine})`);
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test('a control request whose answer came while our loop was blocked longer than its timeout succeeds', async () => {
    const ssh = connect(f, { engine });
    await ssh.waitForMaster();
    const asked = muxAliveCheck(ssh.getCtlPath()!, 200);
    busy(1000); // five times the timeout: the master answered long ago, we could not read it
    assert.is(await noHang(asked, 'alive check'), ssh.masterPid, 'the master answered with its pid');
    assert.is(await ssh.capture('echo', 'still fine'), 'still fine\n');
  });

  test('a login timeout does not count the time our loop was blocked', async () => {
    // the server is reached 3 s after the master starts; the loop is blocked for those 3 s, so the master
    // had only the time after them to log in: well within its 3 s
    const ssh = connect(f, { engine, timeout: 3, masterOpts: ['-F', f.configPath, '-o', slowProxy(f.port, 3)] });
    const running = ssh.waitForMaster();
    // master starts are paced (one fork per turn of the loop): block the loop once ours has forked
    assert.ok(await eventually(() => ssh.masterPid !== undefined, 10_000), 'the master ssh was started');
    busy(3000);
    await noHang(running, 'login');
    assert.is(ssh.state.name, 'running');
    assert.is(await ssh.capture('echo', 'logged in'), 'logged in\n');
  });

  test("a command's timeout does not count the time our loop was blocked; its output arrived meanwhile", async () => {
    const ssh = connect(f, { engine });
    await ssh.waitForMaster();
    // the command prints, stays silent 0.5 s (less than its 1 s timeout) and prints again; our loop is blocked
    // for 2.5 s from its start: the silence seen by the timer is only ours
    const out = ssh.capture({ timeout: 1 }, 'echo a; sleep 0.5; echo b');
    busy(2500);
    assert.is(await noHang(out, 'capture'), 'a\nb\n');
    // and a real silence still times out
    const silent = ssh.capture({ timeout: 1 }, 'sleep 5');
    await rejects(silent, (e: { code?: string }) => e.code === 'OSSH_SLAVE_TIMEOUT');
  });

  test.run();
}
