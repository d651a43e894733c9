// A test's client script run to its end in a Node process of its own (from its bundle: script-bundle.ts), for what
// only a separate process shows: that it exits by itself, or what its event loop does with nothing else in it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptBundle } from './script-bundle';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** How a script run by {@link runScript} ended. */
export interface ScriptRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Still running `hangMs` after its start: killed by us. */
  hung: boolean;
  /** When it exited (Date.now()). */
  exitedAt: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` (a .ts file) with `args` to its end, or kills it `hangMs` after its start (a hang guard, not a speed
 * check). Settles 300 ms after the exit with what the script wrote: an ssh it left behind may hold its pipes open,
 * so their end is not waited for.
 */
export const runScript = (script: string, args: string[], hangMs: number): Promise<ScriptRun> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [scriptBundle(script), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, hangMs);
    child.once('exit', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(guard);
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, signal, hung, exitedAt, stdout, stderr });
      }, 300);
    });
  });
