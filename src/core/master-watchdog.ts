// What ends our masters when Node cannot: after SIGKILL, a crash of the runtime or an OOM kill, no handler
// of ours runs, and a master (its own session, ControlPersist off) would live on and serve other clients.
// `ssh -M -N` never reads its stdin, so closing a pipe to it tells it nothing, and Node cannot set
// PR_SET_PDEATHSIG on a child (it would also end a master we disowned). So one small shell process, started
// with the first process we own, holds the read end of a pipe whose write end only this Node process has
// (libuv opens every fd close-on-exec: no other child inherits it). We tell it the pids to end (`+ pid`)
// and the ones that ended or were let go (`- pid`); when the pipe reaches end of file, because this process
// is gone however it went, it sends SIGTERM to those still listed (ssh then removes its control socket) and
// exits. It runs in its own session, so a Ctrl-C on the terminal does not reach it, and its command line
// (`sh -c <this script> net-openssh-watchdog <node pid>`) says what it is and holds nothing secret.
// A pid is listed from its spawn until its 'close' event; only a pid that ended and was reused in the
// moment between its end and a SIGKILL of Node could be signalled wrongly.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { debug } from './debug/debug';

const SCRIPT = [
  ': net-openssh watchdog: on end of input, ends the masters of node pid "$1" it was told of',
  "p=' '",
  'while read -r op pid; do',
  '  case $op in',
  '    +) p="$p$pid " ;;',
  '    -) case $p in *" $pid "*) p="${p%%" $pid "*} ${p#*" $pid "}" ;; esac ;;',
  '  esac',
  'done',
  '[ -n "${p# }" ] && kill -TERM $p 2>/dev/null',
  'exit 0',
].join('\n');

let watchdog: ChildProcess | undefined;

const start = (): ChildProcess | undefined => {
  try {
    const child = spawn('/bin/sh', ['-c', SCRIPT, 'net-openssh-watchdog', String(process.pid)], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.once('error', (e) => debug('destroy', () => `watchdog: ${e.message} (masters end only with a handler)`));
    child.stdin?.on('error', () => {}); // it was killed: nothing to tell it any more
    // it never keeps Node running
    child.unref();
    (child.stdin as Partial<Socket> | null)?.unref?.();
    debug('destroy', () => `watchdog pid ${child.pid} ends our masters if this process dies`);
    return child;
  } catch (e) {
    debug('destroy', () => `watchdog: ${(e as Error).message}`);
    return undefined;
  }
};

const tell = (line: string): void => {
  const stdin = watchdog?.stdin;
  if (stdin && !stdin.destroyed) stdin.write(line);
};

/** The watchdog ends `pid` (SIGTERM) if this process dies before {@link unwatchPid}; starts it if needed. */
export const watchPid = (pid: number): void => {
  watchdog ??= start();
  tell(`+ ${pid}\n`);
};

/** The watchdog forgets `pid` (it ended, or is let go). */
export const unwatchPid = (pid: number): void => tell(`- ${pid}\n`);

/** Ends the watchdog (nothing left to watch): its list is empty, so it only exits. */
export const stopWatchdog = (): void => {
  const w = watchdog;
  watchdog = undefined;
  w?.stdin?.end();
};

/** The watchdog's pid, while one runs (for tests). */
export const watchdogPid = (): number | undefined => watchdog?.pid;
