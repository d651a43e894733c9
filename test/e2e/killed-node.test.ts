// Issue 20, defect 9: nothing of ours outlives a Node process that is interrupted or killed. A child process
// (test/fixtures/signal-client.ts) connects, leaves a remote command running and is then sent SIGINT or
// SIGTERM (the library's handler: the command is told to end before the master goes) or SIGKILL (no handler
// runs: the watchdog ends the master). Masters that are meant to outlive Node (persistent, disowned) do.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenSSH, type OpenSSHOptions } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive } from '../helpers/processes';
import { assertRemoteGone, assertRemoteRunning, killRemote, uniqueMarker } from '../helpers/remote';
import { eventually, noHang, sleep, strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';

strict();
const f = await sharedSshd();
const CLIENT = fileURLToPath(new URL('../fixtures/signal-client.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Hang guard: the child is killed if it prints nothing or does not die this long after its start. */
const HANG_MS = 30_000;
/** Bound for a process or remote command to be gone once the child died. */
const GONE_MS = 10_000;

interface ChildLine {
  pid: number;
  ctlPath: string;
  watchdog?: number;
}
interface Child {
  proc: ChildProcess;
  line: ChildLine;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the fixture and waits for its line (the master runs and the command was started). */
const startChild = async (job: {
  destination: string;
  options: OpenSSHOptions;
  command: string;
  disown?: boolean;
}): Promise<Child> => {
  const proc = spawn(process.execPath, [scriptBundle(CLIENT), JSON.stringify(job)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const guard = setTimeout(() => proc.kill('SIGKILL'), HANG_MS);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal });
    }),
  );
  let out = '';
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const line = await new Promise<ChildLine>((resolve, reject) => {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ChildLine);
    });
    void exited.then(() => reject(new Error(`the child ended without its line; stderr: ${err}`)));
  });
  return { proc, line, exited };
};

/** A remote command with `marker` in its command line: silent (a sleep), or writing a line every 0.2 s. */
const remoteCommand = (marker: string, silent: boolean): string =>
  silent ? `sleep ${marker}` : `while :; do echo .; sleep 0.2; done; : ${marker}`;

for (const engine of ENGINES) {
  const test = suite(`e2e: nothing outlives a killed Node (${engine})`);
  let observer: OpenSSH;
  test.before(async () => {
    if (f) observer = connect(f);
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    // the mux engine ends even a silent command (SSH signal TERM); a spawn slave can only close its session,
    // which ends a command once it writes (sshd signals nothing without a tty)
    const silent = engine === 'mux';
    test(`${sig}: the running command is ended on the server, then the master; Node dies by ${sig}`, async () => {
      const marker = uniqueMarker();
      const child = await startChild({
        destination: f.destination,
        options: f.options({ engine }),
        command: remoteCommand(marker, silent),
      });
      try {
        await assertRemoteRunning(observer, marker, 'before the signal');
        child.proc.kill(sig);
        const how = await noHang(child.exited, 'the signalled child', HANG_MS);
        assert.equal(how, { code: null, signal: sig }, 'the child died by the signal, re-raised');
        await assertRemoteGone(observer, marker, `${sig} (${silent ? 'a silent sleep' : 'a writing loop'})`, GONE_MS);
        assert.ok(await eventually(() => !alive(child.line.pid), GONE_MS), `the master (pid ${child.line.pid}) lives`);
      } finally {
        await killRemote(observer, marker);
      }
    });
  }

  test('SIGKILL: the watchdog ends the master (and its control socket); a command that writes then ends', async () => {
    const marker = uniqueMarker();
    const child = await startChild({
      destination: f.destination,
      options: f.options({ engine }),
      command: remoteCommand(marker, false),
    });
    try {
      assert.ok(child.line.watchdog, 'a watchdog runs while a master is owned');
      await assertRemoteRunning(observer, marker, 'before SIGKILL');
      child.proc.kill('SIGKILL');
      await noHang(child.exited, 'the killed child', HANG_MS);
      const gone = await eventually(() => !alive(child.line.pid), GONE_MS);
      assert.ok(gone, `the master (pid ${child.line.pid}) outlived a SIGKILLed Node by ${GONE_MS} ms`);
      assert.ok(await eventually(() => !existsSync(child.line.ctlPath), GONE_MS), 'the control socket was removed');
      assert.ok(await eventually(() => !alive(child.line.watchdog!), GONE_MS), 'the watchdog exited');
      await assertRemoteGone(observer, marker, 'SIGKILL (a writing loop)', GONE_MS);
    } finally {
      if (alive(child.line.pid)) process.kill(child.line.pid, 'SIGTERM');
      await killRemote(observer, marker);
    }
  });

  test('SIGKILL: a disowned master and a persistent one outlive Node, as they are meant to', async () => {
    const ctlDir = mkdtempSync(join(tmpdir(), 'net-openssh-killed-'));
    const marker = uniqueMarker();
    const disowned = await startChild({
      destination: f.destination,
      options: f.options({ engine }),
      command: remoteCommand(marker, true),
      disown: true,
    });
    const persistent = await startChild({
      destination: f.destination,
      options: f.options({ engine, ctlDir, persist: 60 }),
      command: remoteCommand(marker, true),
    });
    try {
      // the disowned master's watchdog may still run (the client's command is its own connection's)
      const watchdogs = [disowned.line.watchdog, persistent.line.watchdog].filter((p) => p !== undefined);
      for (const c of [disowned, persistent]) c.proc.kill('SIGKILL');
      await noHang(Promise.all([disowned.exited, persistent.exited]), 'the killed children', HANG_MS);
      assert.ok(await eventually(() => watchdogs.every((p) => !alive(p)), GONE_MS), 'the watchdogs exited');
      await sleep(500); // SIGTERM from a watchdog would have arrived by now
      assert.ok(alive(disowned.line.pid), 'the disowned master lives on');
      assert.ok(alive(persistent.line.pid), 'the persistent master lives on');
    } finally {
      if (alive(disowned.line.pid)) process.kill(disowned.line.pid, 'SIGTERM');
      await OpenSSH.stopPersistentMasters({ ctlDir });
      await killRemote(observer, marker);
      rmSync(ctlDir, { recursive: true, force: true });
    }
  });

  test.run();
}
