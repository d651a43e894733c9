// Ways to the host: a ProxyJump through a second private sshd (gateway), and agent forwarding with a
// private ssh-agent started here (per call on and off).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH } from '../../src/index';
import { sharedSshd, startSshd } from '../fixtures/sshd';
import { childProcesses } from '../helpers/processes';
import { eventually, strict } from '../helpers/setup';
import { requirePrereq } from '../helpers/prereq';

strict();
const test = suite('e2e: jump hosts and agent forwarding');
const f = await sharedSshd();
const jump = f ? await startSshd() : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-routes-'));
let agent: ChildProcess | undefined;
const open = new Set<OpenSSH>();
test.after(async () => {
  await Promise.all([...open].map((s) => s.disconnect()));
  await jump?.stop();
  if (agent && agent.exitCode === null) {
    const gone = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await gone;
  }
  rmSync(scratch, { recursive: true, force: true });
});

if (f && jump) {
  // one config that knows both servers' host keys and both client keys
  const config = join(scratch, 'ssh_config');
  writeFileSync(
    config,
    [
      'Host *',
      `  UserKnownHostsFile ${f.knownHostsPath} ${jump.knownHostsPath}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  UpdateHostKeys no',
      `  IdentityFile ${f.keyPath}`,
      `  IdentityFile ${jump.keyPath}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );

  test('gateway { proxy } becomes ProxyJump through the second sshd', async () => {
    const ssh = new OpenSSH(f.destination, {
      ctlDir: f.ctlDir,
      masterOpts: ['-F', config],
      defaultSshOpts: ['-F', config],
      batchMode: true,
      timeout: 20,
      gateway: { proxy: `${jump.user}@127.0.0.1:${jump.port}` },
    });
    open.add(ssh);
    assert.is(await ssh.capture('echo', 'through the jump host'), 'through the jump host\n');
    // the master's ProxyJump helper (ssh -W to the target) logs into the jump sshd's port
    const helpers = childProcesses().filter((p) => p.pid !== ssh.masterPid);
    const viaJump = (pid: number) => {
      for (const d of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        if (cmd.includes('-W') && cmd.includes(String(jump.port))) return true;
      }
      return false;
    };
    assert.ok(
      viaJump(ssh.masterPid!),
      `no ssh -W child of the master (children of ours: ${helpers.map((h) => h.cmd).join('; ')})`,
    );
    // and without the jump host the same connection is impossible
    await jump.stop();
    const again = new OpenSSH(f.destination, {
      ctlDir: f.ctlDir,
      masterOpts: ['-F', config],
      batchMode: true,
      timeout: 20,
      gateway: { proxy: `${jump.user}@127.0.0.1:${jump.port}` },
    });
    open.add(again);
    const e = await again.waitForMaster().catch((x: Error) => x);
    assert.instance(e, Error);
    assert.match((e as Error).message, /refused|closed|exited/);
    await jump.restart();
  });

  if (
    requirePrereq(
      !!(() => {
        try {
          execFileSync('which', ['ssh-agent']);
          return true;
        } catch {
          return false;
        }
      })(),
      'ssh-agent (Debian package openssh-client)',
    )
  ) {
    test('forwardAgent: the remote side sees SSH_AUTH_SOCK and lists the key; per call off hides it', async () => {
      const sock = join(scratch, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      assert.ok(
        await eventually(() => {
          try {
            return readFileSync(sock) !== undefined;
          } catch (e) {
            return (e as NodeJS.ErrnoException).code === 'ENXIO' || (e as NodeJS.ErrnoException).code === 'EOPNOTSUPP';
          }
        }),
        'agent socket',
      );
      execFileSync('ssh-add', ['-q', f.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const ssh = new OpenSSH(
        f.destination,
        f.options({ forwardAgent: true, masterOpts: ['-o', `ForwardAgent=${sock}`, '-F', f.configPath] }),
      );
      open.add(ssh);
      // first without: once one session of a connection forwarded the agent, sshd shows its socket to every later
      // session
      for (const engine of ['spawn', 'mux'] as const)
        assert.is(await ssh.capture({ forwardAgent: false, engine }, 'echo "[$SSH_AUTH_SOCK]"'), '[]\n');
      const listed = await ssh.capture({ forwardAgent: true }, 'test -n "$SSH_AUTH_SOCK" && ssh-add -l');
      assert.match(listed, /net-openssh-test-client/);
    });
  }
}

test.run();
