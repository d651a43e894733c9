// zx calls `spawn(command, args, options)` with the whole command line in `command`: this runs it over
// the connection instead, as the remote login shell's command line, through `openEx` (so the
// connection's engine, master wait and error reporting apply).
import type { SpawnOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import { invalidArgument } from '../core/errors';
import type { OpenExOptions } from '../core/call-options';
import type { RemoteProcess } from '../core/remote-process';
import { RemoteChild } from './remote-child';

/** What `remote$` needs from a connection (an `OpenSSH` has it). */
export interface ZxConnection {
  /** Starts a command with its streams as pipes (see `OpenSSH.openEx`). */
  openEx(options: OpenExOptions, ...cmd: string[]): Promise<RemoteProcess>;
  /** Quotes for the remote shell (see `OpenSSH.shellQuote`). */
  shellQuote(...args: string[]): string;
  /** The host, for messages. */
  getHost(): string;
}

type Slot = 'stdin' | 'stdout' | 'stderr';

const stdioOf = (stdio: SpawnOptions['stdio']): unknown[] => {
  if (stdio === undefined) return ['pipe', 'pipe', 'pipe'];
  if (typeof stdio === 'string') return [stdio, stdio, stdio];
  return [...stdio, 'pipe', 'pipe', 'pipe'].slice(0, 3);
};

/**
 * openEx options for one stdio slot: 'pipe' (zx reads or writes it), 'ignore', 'inherit' (ours), or a stream / fd for
 * output.
 */
const slotOptions = (slot: Slot, v: unknown, host: string): OpenExOptions => {
  if (v === 'pipe' || v === 'overlapped' || v === null || v === undefined) return { [`${slot}Pipe`]: true };
  if (v === 'ignore') return slot === 'stdin' ? {} : { [`${slot}Discard`]: true };
  if (slot !== 'stdin' && v === 'inherit') return {}; // openEx's default: this process's stdout / stderr
  if (
    slot !== 'stdin' &&
    (typeof v === 'number' || (typeof v === 'object' && typeof (v as Writable).write === 'function'))
  )
    return { [`${slot}Fh`]: v };
  throw invalidArgument(
    `remote$: stdio for ${slot} must be 'pipe' or ` +
      `'ignore'${slot === 'stdin' ? '' : ", 'inherit', a file descriptor or a Writable"} (on ${host})`,
    v,
  );
};

/**
 * A `spawn` for zx's options that runs each command over `ssh`. Local-only options (cwd, env, shell, detached) do not
 * apply to the remote command.
 */
export const remoteSpawn =
  (ssh: ZxConnection) =>
  (command: string, args: readonly string[] = [], options: SpawnOptions = {}): RemoteChild => {
    const line = [command, ...args].join(' ');
    const [i, o, e] = stdioOf(options.stdio);
    const host = ssh.getHost();
    const open: OpenExOptions = {
      ...slotOptions('stdin', i, host),
      ...slotOptions('stdout', o, host),
      ...slotOptions('stderr', e, host),
    };
    return new RemoteChild(
      () => ssh.openEx(open, line),
      { stdin: open.stdinPipe === true, stdout: open.stdoutPipe === true, stderr: open.stderrPipe === true },
      options.signal ?? undefined,
    );
  };

/** zx's `sync` mode needs a blocking spawn, which a connection cannot offer. */
export const remoteSpawnSync = (ssh: ZxConnection) => (): never => {
  throw invalidArgument(
    `remote$: sync mode is not available for remote commands (on ${ssh.getHost()}); await the ProcessPromise instead`,
  );
};
