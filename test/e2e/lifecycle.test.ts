// One lifecycle (issue 14): a script that forgets disconnect() exits by itself and leaves no ssh behind;
// dispose lets go of a master it does not own (externalMaster, disowned) without ending it; `state$` is
// read-only (no `next`, at runtime and in the types), with a `state` getter beside it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpenSSH, type MasterState, type OpenSSHOptions } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive } from '../helpers/processes';
import { eventually, noHang, strict } from '../helpers/setup';
import { runScript, type ScriptRun } from '../helpers/child-script';

strict();
const f = await sharedSshd();
const CLIENT = fileURLToPath(new URL('../fixtures/lifecycle-client.ts', import.meta.url));
/** Hang guard: a child still running this long after its start is kept alive by something; it is killed then. */
const HANG_MS = 15_000;

// Never called: it type-checks only while `state$` has no `next` (tsc reports an unused @ts-expect-error).
const stateIsReadOnly = (ssh: OpenSSH): void => {
  // @ts-expect-error state$ is a read-only Observable: only the master changes its state
  ssh.state$.next({ name: 'stopped' });
};
void stateIsReadOnly;

/** Processes (ssh or any other) whose command line contains `needle`, e.g. a control path. */
const processesWith = (needle: string): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);

interface ChildLine {
  pid: number;
  ctlPath: string;
  out?: string;
  lastCommandAt: number;
}
interface ChildRun extends ScriptRun {
  line: ChildLine | undefined;
}

/** Runs test/fixtures/lifecycle-client.ts to its end (or kills it after HANG_MS) and reports how it ended. */
const runChild = async (job: { destination: string; options: OpenSSHOptions; run: boolean }): Promise<ChildRun> => {
  const r = await runScript(CLIENT, [JSON.stringify(job)], HANG_MS);
  const first = r.stdout.split('\n')[0];
  return { ...r, line: first ? (JSON.parse(first) as ChildLine) : undefined };
};

/** Ends whatever ssh our child left behind on `ctlPath` (processes this run started). */
const cleanUp = (ctlPath: string | undefined): void => {
  if (ctlPath) for (const pid of processesWith(ctlPath)) process.kill(pid, 'SIGTERM');
};

for (const engine of ENGINES) {
  const test = suite(`e2e: lifecycle (${engine} engine)`);
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  for (const run of [true, false]) {
    const what = run ? 'runs one command' : 'only waits for the master';
    test(`a script that ${what} and forgets disconnect() exits by itself, leaving no ssh`, async () => {
      const r = await runChild({ destination: f.destination, options: f.options({ engine }), run });
      try {
        assert.ok(r.line, `the child printed nothing; its stderr: ${r.stderr}`);
        if (run) assert.is(r.line.out, 'ok\n');
        assert.not.ok(r.hung, `the child was still running ${HANG_MS / 1000} s after its start (killed by the test)`);
        assert.equal([r.code, r.signal], [0, null], `exit; stderr: ${r.stderr}`);
        console.log(`    ${engine}: the child exited ${r.exitedAt - r.line.lastCommandAt} ms after its last command`);
        const ended = await eventually(() => !alive(r.line!.pid), 3000);
        assert.ok(ended, `the master (pid ${r.line.pid}) outlived the script`);
        const left = await eventually(() => processesWith(r.line!.ctlPath).length === 0, 3000);
        assert.ok(left, `processes left on ${r.line.ctlPath}: ${processesWith(r.line.ctlPath).join(', ')}`);
      } finally {
        cleanUp(r.line?.ctlPath);
      }
    });
  }

  test('dispose of an externalMaster object leaves the master alive', async () => {
    const owner = connect(f, { engine });
    await noHang(owner.waitForMaster(), "the owner's waitForMaster()", HANG_MS);
    const pid = owner.masterPid!;
    {
      const ctlPath = owner.getCtlPath()!;
      const ext = new OpenSSH(f.destination, f.options({ engine, externalMaster: true, ctlPath }));
      try {
        assert.is(
          await noHang(ext.capture('echo', 'via-external'), 'capture on the external', HANG_MS),
          'via-external\n',
        );
      } finally {
        await noHang(ext[Symbol.asyncDispose](), 'dispose of the external object', HANG_MS);
      }
    }
    assert.not.ok(await eventually(() => !alive(pid), 1000), 'the master ended when the external object was disposed');
    assert.ok(await noHang(owner.checkMaster(), 'checkMaster() after', HANG_MS), 'the master still answers -O check');
    assert.is(await noHang(owner.capture('echo', 'still'), 'capture on the owner after', HANG_MS), 'still\n');
  });

  test('dispose after disownMaster() leaves the master alive', async () => {
    const ssh = new OpenSSH(f.destination, f.options({ engine }));
    await noHang(ssh.waitForMaster(), 'waitForMaster()', HANG_MS);
    const ctlPath = ssh.getCtlPath()!;
    const pid = ssh.disownMaster()!;
    try {
      await noHang(ssh[Symbol.asyncDispose](), 'dispose after disownMaster()', HANG_MS);
      assert.not.ok(await eventually(() => !alive(pid), 1000), 'the disowned master ended on dispose');
      const check = spawnSync('ssh', ['-F', f.configPath, '-S', ctlPath, '-O', 'check', f.host], { encoding: 'utf8' });
      assert.is(check.status, 0, `ssh -O check: ${check.stderr}`);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGTERM'); // ours: started by this test, disowned above
      await eventually(() => !alive(pid));
    }
  });

  test('state$ has no next() at runtime', () => {
    const ssh = connect(f, { engine, connect: false });
    assert.not.ok('next' in ssh.state$, 'state$ has a next()');
    assert.is(typeof (ssh.state$ as unknown as { next?: unknown }).next, 'undefined');
  });

  test('state is the value state$ last emitted, at every stage', async () => {
    const ssh = connect(f, { engine });
    const seen: MasterState[] = [];
    const sub = ssh.state$.subscribe((s) => seen.push(s));
    try {
      assert.is(ssh.state.name, seen.at(-1)?.name, 'while connecting');
      await ssh.waitForMaster();
      assert.is(ssh.state.name, 'running');
      assert.is(seen.at(-1)?.name, 'running');
      await ssh.disconnect();
      assert.is(ssh.state.name, 'stopped');
      assert.is(seen.at(-1)?.name, 'stopped');
    } finally {
      sub.unsubscribe();
    }
  });

  test.run();
}
