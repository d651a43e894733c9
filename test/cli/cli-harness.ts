// Drives the real `net-openssh` CLI as a user would: a spawned process (or one in a pseudo-terminal),
// against the test sshd reached through a generated ssh config with several Host aliases.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/testing/throwaway-sshd';
import { writeHostAliases } from '../../src/testing/host-aliases';
import type { SshdFixture } from '../fixtures/sshd';
import { scriptBundle } from '../helpers/script-bundle';

export const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
/** `net-openssh` from the sources: node on their bundle (test/helpers/script-bundle.ts), not tsx (5x the CPU). */
const cli = (args: string[]): [string, string[]] => [process.execPath, [scriptBundle(MAIN), ...args]];

/** The hosts of the CLI tests: three that work, one whose command fails (by its client address), one unreachable. */
export const GOOD = ['web1', 'web2', 'web3'];
export const FAILING = 'db1';
export const DOWN = 'down1';

/**
 * A command that prints two lines with the host's client address and exits 3 on db1 (which connects from
 * 127.0.0.9): every alias is the same sshd, told apart by its BindAddress.
 */
export const HOST_CMD =
  'a=${SSH_CONNECTION%% *}; echo "one from $a"; echo "two from $a"; ' +
  'if [ "$a" = 127.0.0.9 ]; then echo "db1 fails" >&2; exit 3; fi';

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

/** A CLI process being run: what it wrote so far, and its end. */
export interface CliProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  signal(sig: NodeJS.Signals): void;
  readonly done: Promise<CliRun>;
}

/** Starts `net-openssh ...args` as a child process (pipes, not a terminal). */
export const startCli = (args: string[], env: NodeJS.ProcessEnv): CliProcess => {
  const child = spawn(...cli(args), { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { pid: child.pid!, stdout: () => stdout, stderr: () => stderr, signal: (sig) => child.kill(sig), done };
};

/** Runs `net-openssh ...args` as a child process (pipes, not a terminal) and collects what it wrote. */
export const runCli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => startCli(args, env).done;

/** Runs `net-openssh ...args` in a pseudo-terminal (node-pty) and collects the screen bytes. */
export const runCliPty = async (
  args: string[],
  env: NodeJS.ProcessEnv,
  cols = 120,
): Promise<{ code: number; output: string }> => {
  const pty = await import('node-pty');
  return new Promise((resolve) => {
    const term = pty.spawn(...cli(args), {
      name: 'xterm-256color',
      cols,
      rows: 40,
      cwd: ROOT,
      env: env as Record<string, string>,
    });
    let output = '';
    term.onData((d) => (output += d));
    term.onExit(({ exitCode }) => resolve({ code: exitCode, output }));
  });
};

/**
 * What a terminal shows after `raw` (all of it, scrollback included): a small emulator for what the CLI
 * sends (text, CR, LF, cursor up, erase below), colours removed. Redrawn status lines and bars vanish
 * as they do on screen.
 */
export const screen = (raw: string): string => {
  const lines = [''];
  let row = 0;
  let col = 0;
  for (const tok of raw.replace(/\x1b\[[\d;]*m/g, '').split(/(\x1b\[\d*[AJ]|\r|\n)/)) {
    if (tok === '') continue;
    if (tok === '\r') col = 0;
    else if (tok === '\n') {
      row++;
      col = 0;
      if (row === lines.length) lines.push('');
    } else if (tok.endsWith('A')) row = Math.max(0, row - Number(tok.slice(2, -1) || 1));
    else if (tok.endsWith('J')) {
      lines.length = row + 1;
      lines[row] = lines[row]!.slice(0, col);
    } else {
      const l = lines[row]!.padEnd(col);
      lines[row] = l.slice(0, col) + tok + l.slice(col + tok.length);
      col += tok.length;
    }
  }
  return lines.join('\n');
};

/** Removes SGR colour and cursor sequences. */
export const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/**
 * One parsed line of `--json` output, typed for the fields the tests read (which of them an event holds depends on
 * its `type`).
 */
export interface JsonEvent {
  type: string;
  host: string;
  ok: boolean;
  exitCode: number | null;
  error: { code: string };
  stream: 'stdout' | 'stderr';
  line: string;
  state: string;
  bytes: number;
  total: number;
  durationMs: number;
}

/** The rows of the summary table in `text` (after the HOST header, up to the tally): cells split on 2+ spaces. */
export const summaryRows = (text: string): Record<string, string[]> => {
  const lines = plain(text).split(/\r?\n/);
  const start = lines.findIndex((l) => /^HOST\s+EXIT\s+TIME/.test(l));
  if (start < 0) return {};
  const rows: Record<string, string[]> = {};
  for (const l of lines.slice(start + 1)) {
    if (/^\d+ ok, \d+ failed/.test(l) || l.trim() === '') break;
    const cells = l.split(/\s{2,}/);
    rows[cells[0]!] = cells.slice(1);
  }
  return rows;
};

/** Whether node-pty loads here (an optional dependency). */
export const hasPty = async (): Promise<boolean> =>
  import('node-pty').then(
    () => true,
    () => false,
  );

/** Pids of processes (any, not just ours) whose command line mentions `needle`. */
export const processesMentioning = (needle: string): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
