// Faults against real processes: sshd stopped and restarted, the network path frozen, the local
// consumer throwing mid-stream, a full local disk. Each ends in a clear error in bounded time, and
// what can go on goes on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { OpenSSH, type OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const test = suite('e2e: faults');
const f = await startSshd();
test.after(async () => {
  await disconnectAll();
  await f?.stop();
});

/** Every descendant of `pid` (the sshd processes serving connections). */
const descendants = (pid: number): number[] => {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const kids = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    kids.set(pp, [...(kids.get(pp) ?? []), p]);
  }
  const all: number[] = [];
  const walk = (p: number): void => {
    for (const k of kids.get(p) ?? []) {
      all.push(k);
      walk(k);
    }
  };
  walk(pid);
  return all;
};

if (f) {
  test(
    'sshd stopped: the running master goes on, a new connection ' + 'fails clearly; restarted: a fresh object connects',
    async () => {
      const before = connect(f);
      await before.waitForMaster();
      await f.stop();
      assert.is(await before.capture('echo still'), 'still\n', 'an established master does not need the listener');
      const during = new OpenSSH(f.destination, f.options({ timeout: 5 }));
      const e = await rejects<OpenSSHError>(during.waitForMaster());
      assert.is(e.code, 'OSSH_MASTER_FAILED');
      assert.match(e.message, /refused/i);
      assert.is(during.waitForMaster(true), false, 'polling after the failure reports it');
      assert.is(during.error, e);
      await rejects<OpenSSHError>(during.capture('true'), (x) => x.code === 'OSSH_MASTER_FAILED');
      await f.restart();
      const after = connect(f); // reconnecting is a fresh object (see the README)
      assert.is(await after.capture('echo back'), 'back\n');
      await during.disconnect();
    },
  );

  test(
    'spawn engine told of more sessions than the server allows (maxSessions 10, MaxSessions 2): a slave refused ' +
      'beside two others waits for a session (nothing of the refused slave reaches the caller) and runs once one ends',
    async () => {
      const small = await startSshd({ maxSessions: 2 });
      try {
        const ssh = connect(small!, { engine: 'spawn' });
        const held = await Promise.all(
          [1, 2].map(async () => {
            const p = await ssh.openEx({ stdinPipe: true, stdoutPipe: true }, 'echo ready; exec cat');
            await new Promise((r) => p.stdout!.once('data', r)); // its session is open on the server
            p.stdout!.resume();
            return p;
          }),
        );
        // capture2 keeps stderr (ssh's own lines too): a refused slave's never get there
        let third: [string, string] | undefined;
        const p = ssh.capture2('echo third').then((r) => (third = r));
        await sleep(500);
        assert.is(third, undefined, 'refused, it waits while the two sessions are held');
        held[0]!.stdin!.end();
        assert.equal(await held[0]!.exit, { code: 0, signal: null });
        await noHang(p, 'the third once a session is free');
        assert.equal(third, ['third\n', '']);
        held[1]!.stdin!.end();
        await held[1]!.exit;
        await ssh.disconnect();
      } finally {
        await small?.stop();
      }
    },
  );

  for (const engine of ENGINES) {
    test(
      `network path frozen (sshd SIGSTOPped): the command times ` +
        `out, then the master fails, in bounded time (${engine})`,
      async () => {
        const ssh = connect(f, { engine, timeout: 2 });
        await ssh.waitForMaster();
        const listener = f.pid!;
        const running = ssh.system({ stdoutDiscard: true }, 'while :; do echo x; sleep 0.1; done');
        running.catch(() => {});
        await new Promise((r) => setTimeout(r, 300));
        const frozen = descendants(listener);
        assert.ok(frozen.length > 0);
        const signal = (sig: NodeJS.Signals) => {
          for (const p of frozen) {
            try {
              process.kill(p, sig);
            } catch {} // a short-lived remote process (sleep) may be gone already
          }
        };
        signal('SIGSTOP');
        try {
          const e = await rejects<OpenSSHError>(running);
          assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
          // ServerAliveInterval (derived from timeout) ends the master: every later call fails fast
          assert.ok(await eventually(() => ssh.state.name === 'failed', 15_000), `state ${ssh.state.name}`);
          await rejects<OpenSSHError>(ssh.capture('true'), (x) => x.code === 'OSSH_MASTER_FAILED');
        } finally {
          signal('SIGCONT');
        }
      },
    );

    test(`a for-await consumer that throws mid-stream ends the remote command (${engine})`, async () => {
      const ssh = connect(f, { engine });
      const p = await ssh.pipeOut('echo $$; exec yes');
      let pid = '';
      try {
        for await (const chunk of p.stdout) {
          pid ||= String(chunk).split('\n')[0]!;
          throw new Error('consumer gave up');
        }
      } catch (e) {
        assert.is((e as Error).message, 'consumer gave up');
      }
      assert.match(pid, /^\d+$/);
      await p.exit.catch(() => {});
      assert.ok(await eventually(async () => !(await ssh.test('kill', '-0', pid))), 'the remote yes is gone');
      assert.is(await ssh.capture('echo fine'), 'fine\n');
    });

    test(
      // biome-ignore lint/style/useTemplate: the title is split to keep the line within 120 characters
      `master SIGKILLed mid-capture: OSSH_MASTER_FAILED, and ` + `every byte that arrived is on the error (${engine})`,
      async () => {
        const ssh = connect(f, { engine });
        await ssh.waitForMaster();
        const lines = Array.from({ length: 500 }, (_, i) => `line ${i + 1}\n`).join('');
        // stdout first, then a mark on stderr: once the mark is here, every stdout byte was sent before it
        const mark = new PassThrough();
        const marked = new Promise((r) => mark.once('data', r));
        const running = ssh.capture({ stderrFh: mark }, 'seq -f "line %g" 1 500; echo mark >&2; exec sleep 60');
        running.catch(() => {});
        await marked;
        process.kill(ssh.masterPid!, 'SIGKILL');
        const e = await noHang(rejects<OpenSSHError>(running), 'a capture on a killed master');
        assert.is(e.code, 'OSSH_MASTER_FAILED');
        assert.match(e.message, /master/);
        assert.is(e.stdout, lines, 'the output that arrived before the master died');
      },
    );

    test(`a full local disk for stdoutFile is an error naming the file; the master survives (${engine})`, async () => {
      const ssh = connect(f, { engine });
      const e = await rejects<OpenSSHError>(ssh.system({ stdoutFile: '/dev/full' }, 'head -c 100000 /dev/zero'));
      assert.is(e.code, 'OSSH_SLAVE_PIPE_FAILED');
      assert.match(e.message, /\/dev\/full/);
      assert.match(e.message, /ENOSPC|no space/i);
      assert.ok(await ssh.checkMaster());
    });
  }
}

test.run();
