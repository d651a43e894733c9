// Cancelled silent commands and the server's sessions (issue 20, defect 5). The mux engine signals what it
// cancels, so the remote commands end and their sessions come back. The spawn engine cannot (an `ssh -S` slave
// has no way to signal the remote command, and sshd keeps a session until its command ends): the sessions stay
// taken, and a call that waits for one fails when its timeout passes, saying it waited for a free session and
// never started, instead of hanging or claiming it left a command running.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { assertRemoteGone, killRemote, uniqueMarker } from '../helpers/remote';
import { alive } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';

strict();
const test = suite('e2e: cancelled silent commands and the session budget');
const MAX = 10; // sshd's default, as the red team had it
const f = await startSshd({ maxSessions: MAX });
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-cancelled-'));
chmodSync(scratch, 0o777); // the remote account (another user when we run as root) writes here
test.after(async () => {
  await disconnectAll();
  await f?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** How many `sleep <marker>` processes run on the server (asked over `observer`; not the `sh -c` running each). */
const remoteCount = async (observer: OpenSSH, marker: string): Promise<number> =>
  Number((await observer.capture(`pgrep -c -f '^sleep ${marker.replace('.', '\\.')}$' || true`)).trim());

/** Starts ten silent commands on `ssh`, waits until the server runs the ones it has sessions for, aborts all ten. */
const abortTenSilent = async (ssh: OpenSSH, observer: OpenSSH, marker: string): Promise<void> => {
  const aborts = Array.from({ length: 10 }, () => new AbortController());
  const calls = aborts.map((ac) => ssh.capture({ signal: ac.signal }, `sleep ${marker}`));
  // the engines keep one session spare: MAX - 1 run, the tenth waits for a session
  assert.ok(await eventually(async () => (await remoteCount(observer, marker)) === MAX - 1, 10_000, 100));
  for (const ac of aborts) ac.abort();
  for (const c of calls) await rejects<OpenSSHError>(c, (e) => e.code === 'OSSH_ABORTED');
};

const WAITED = /timed out after 2 s waiting for a free session on the master; the command never started/;

if (f) {
  test(
    'spawn: ten aborted silent commands keep their sessions; the next call on either engine fails once its ' +
      'timeout passes, saying it waited for a session',
    async () => {
      const ssh = connect(f, { engine: 'spawn' });
      const observer = connect(f);
      await Promise.all([ssh.waitForMaster(), observer.waitForMaster()]);
      const marker = uniqueMarker();
      await abortTenSilent(ssh, observer, marker);
      // what OpenSSH allows: the remote commands run on (an ssh -S slave cannot signal them), their sessions taken
      await sleep(500);
      assert.is(await remoteCount(observer, marker), MAX - 1, 'the cancelled remote commands still run');
      for (const engine of ['spawn', 'mux'] as const) {
        const e = await noHang(rejects<OpenSSHError>(ssh.capture({ timeout: 2, engine }, 'echo hi')), engine);
        assert.is(e.code, 'OSSH_SLAVE_TIMEOUT', `${engine}: ${e.message}`);
        assert.match(e.message, WAITED, engine);
        assert.match(e.message, `${MAX - 1} sessions are held`);
        assert.match(e.message, `maxSessions ${MAX}`);
        assert.match(e.message, `${MAX - 1} of them cancelled while their remote command ran`);
        assert.not.match(e.message, 'left running');
      }
      // killSshOnTimeout: false leaves a started command running; one that never started is taken out of the wait
      const marker2 = join(scratch, 'never-ran');
      const left = ssh.capture({ timeout: 2, killSshOnTimeout: false }, 'touch', marker2);
      assert.match((await noHang(rejects<OpenSSHError>(left), 'left')).message, WAITED);
      // once the remote commands end, their sessions come back and calls run again
      await killRemote(observer, marker);
      await assertRemoteGone(observer, marker, 'after pkill');
      assert.is(await noHang(ssh.capture({ timeout: 20 }, 'echo back'), 'spawn after'), 'back\n');
      assert.is(await noHang(ssh.capture({ timeout: 20, engine: 'mux' }, 'echo back'), 'mux after'), 'back\n');
      assert.not.ok(existsSync(marker2), 'the call that timed out waiting never ran, not even later');
    },
  );

  test('spawn: a script aborting a silent command, forgetting disconnect(), exits; the command runs on', async () => {
    const observer = connect(f);
    const marker = uniqueMarker();
    const script = join(scratch, 'abort-and-end.mts');
    const src = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    writeFileSync(
      script,
      `import { OpenSSH } from ${JSON.stringify(src)};
const ssh = new OpenSSH(${JSON.stringify(f.destination)}, ${JSON.stringify(f.options({ engine: 'spawn' }))});
await ssh.waitForMaster();
const ac = new AbortController();
const call = ssh.capture({ signal: ac.signal }, 'sleep ${marker}');
setTimeout(() => ac.abort(), 1000);
await call.catch((e) => console.log(JSON.stringify({ code: e.code, pid: ssh.masterPid })));
`,
    );
    const child = spawn(process.execPath, [scriptBundle(script)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    // hang guard: before the fix the channel of the killed slave, whose stderr the master holds until the remote
    // sleep (61 s) ends, kept the script alive
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
      child.once('exit', (c, sig) => r([c, sig])),
    );
    clearTimeout(guard);
    assert.equal([code, signal], [0, null], 'the script exited by itself');
    const line = JSON.parse(out.split('\n')[0]!) as { code: string; pid: number };
    assert.is(line.code, 'OSSH_ABORTED');
    assert.ok(await eventually(() => !alive(line.pid), 5000), 'its master ended with it');
    // it did not wait for the remote command, which no slave can signal: that runs on, as documented
    assert.is(await remoteCount(observer, marker), 1, 'the cancelled remote command still runs');
    await killRemote(observer, marker);
  });

  test('spawn: a killed handle of a silent command settles its exit at once; its session stays taken', async () => {
    const ssh = connect(f, { engine: 'spawn', maxSessions: 2 }); // one session at a time
    const observer = connect(f);
    const marker = uniqueMarker();
    const p = await ssh.spawn({}, `sleep ${marker}`);
    assert.ok(await eventually(async () => (await remoteCount(observer, marker)) === 1, 10_000, 100));
    await p.kill('KILL');
    const st = await noHang(p.exit, 'the exit of the killed slave');
    assert.equal([st.code, st.signal], [null, 'KILL']);
    const e = await noHang(rejects<OpenSSHError>(ssh.capture({ timeout: 2 }, 'echo hi')), 'the next call');
    assert.match(e.message, WAITED);
    assert.match(e.message, '1 of them cancelled while their remote command ran');
    await killRemote(observer, marker);
    assert.is(await noHang(ssh.capture({ timeout: 20 }, 'echo back'), 'after'), 'back\n');
  });

  test('mux: ten aborted silent commands are signalled and end on the server; the next calls run', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const observer = connect(f);
    await Promise.all([ssh.waitForMaster(), observer.waitForMaster()]);
    const marker = uniqueMarker();
    await abortTenSilent(ssh, observer, marker);
    await assertRemoteGone(observer, marker, 'the aborted mux commands');
    assert.is(await noHang(ssh.capture({ timeout: 20 }, 'echo next'), 'mux next'), 'next\n');
    assert.is(await noHang(ssh.capture({ timeout: 20, engine: 'spawn' }, 'echo next'), 'spawn next'), 'next\n');
  });
}

test.run();
