// Drives the real `net-openssh` CLI as a user would: a spawned process (or one in a pseudo-terminal),
// against the test sshd reached through a generated ssh config with several Host aliases.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/testing/throwaway-sshd';
import { writeHostAliases } from '../../src/testing/host-aliases';
import type { SshdFixture } from '../fixtures/sshd';

export const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** The hosts of the CLI tests: three that work, one whose command fails (by its client address), one unreachable. */
export const GOOD = ['web1', 'web2', 'web3'];
export const FAILING = 'db1';
export const DOWN = 'down1';

/**
 * A command that prints two lines with the host's client address and exits 3 on db1 (which connects from
 * 127.0.0.9): every alias is the same sshd, told apart by its BindAddress.
 */
export const HOST_CMD = 'a=${SSH_CONNECTION%% *}; echo "one from $a"; echo "two from $a"; if [ "$a" = 127.0.0.9 ]; then echo "db1 fails" >&2; exit 3; fi';

/** A temp dir with an ssh config: web1..3 from 127.0.0.2..4, db1 from 127.0.0.9, down1 on a closed port. */
export interface CliHosts {
  dir: string;
  /** `-F` file with the aliases and the fixture's client settings. */
  config: string;
  /** Common arguments: `-F config -t 20`. */
  args: string[];
  /** An environment for the CLI: HOME in the temp dir (control sockets), no colour unless asked. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cleanup(): void;
}

export const cliHosts = async (f: SshdFixture): Promise<CliHosts> => {
  const dir = mkdtempSync(join(tmpdir(), 'net-openssh-cli-'));
  const down = await freeLoopbackPort();
  const config = writeHostAliases(
    f,
    [
      { name: 'web1', from: '127.0.0.2' },
      { name: 'web2', from: '127.0.0.3' },
      { name: 'web3', from: '127.0.0.4' },
      { name: 'db1', from: '127.0.0.9' },
      { name: 'down1', from: '127.0.0.5', port: down },
    ],
    join(dir, 'ssh_config'),
  );
  return {
    dir,
    config,
    args: ['-F', config, '-t', '20'],
    env(extra = {}) {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, ...extra };
      delete env.FORCE_COLOR; // the suite runner sets it
      if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
      for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
      return env;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** What a CLI process did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `net-openssh ...args` as a child process (pipes, not a terminal) and collects what it wrote. */
export const runCli = (args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(TSX, [MAIN, ...args], { env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input ?? '');
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

/** Runs `net-openssh ...args` in a pseudo-terminal (node-pty) and collects the screen bytes. */
export const runCliPty = async (args: string[], env: NodeJS.ProcessEnv, cols = 120): Promise<{ code: number; output: string }> => {
  const pty = await import('node-pty');
  return new Promise((resolve) => {
    const term = pty.spawn(TSX, [MAIN, ...args], { name: 'xterm-256color', cols, rows: 40, cwd: ROOT, env: env as Record<string, string> });
    let output = '';
    term.onData((d) => (output += d));
    term.onExit(({ exitCode }) => resolve({ code: exitCode, output }));
  });
};

/** Removes SGR colour and cursor sequences. */
export const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
