// stdinoutDpipe: a local command joined to the remote one, as dpipe(1) joins two commands: the remote
// stdout feeds its stdin, its stdout feeds the remote stdin. Through streams, so both engines can carry it.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Channel } from './channel';
import { pipeFailed } from './errors';

/** The local end of a dpipe: its process, and a Promise of its end (rejects when it could not start). */
export interface Dpipe {
  readonly child: ChildProcess;
  readonly ended: Promise<void>;
}

/** Starts `command` (a shell command line, or an argv) and joins it to `ch`. */
export const startDpipe = (command: string | readonly string[], ch: Channel, host: string): Dpipe => {
  const [file, ...args] = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  // one side may stop reading before the other stops writing: that is how such pairs end, not an error
  child.stdin!.on('error', () => {});
  ch.stdin.on('error', () => {});
  ch.stdout.pipe(child.stdin!);
  child.stdout!.pipe(ch.stdin);
  // once the local command stopped reading, what the remote side still says is drained (pipe() unpipes on
  // close and would leave the channel's stdout paused, so its end, and the exit, would never come)
  child.stdin!.once('close', () => ch.stdout.resume());
  const ended = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => {
      ch.close();
      reject(
        pipeFailed(
          host,
          `stdinoutDpipe: the local command ${JSON.stringify(file)} could not be started (${e.message})`,
          e,
        ),
      );
    });
    child.once('close', () => resolve());
  });
  ended.catch(() => {});
  // the remote side ended: the local command gets EOF on its stdin (pipe) and ends in its own time
  return { child, ended };
};
