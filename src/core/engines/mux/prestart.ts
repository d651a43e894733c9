// Prestarted sessions: the warm session goes one step further and already runs the remote shell,
// waiting for a command line on its stdin, so a command costs neither the exec round trip nor
// sshd's fork and the shell's start. Only where that is the same as sshd's own `$SHELL -c command`:
// - the login shell is a plain POSIX sh such as dash: `eval` of the line in the running shell then
//   runs it as `sh -c` would (same $0, $$, exit status, environment, stdin after the line, process
//   tree). bash, zsh and ksh optimise `-c` differently and read rc files, csh and fish do not parse
//   the script: the script exits without its marker there, and the engine stops prestarting;
// - the call is a plain exec: no pty, no env requests, a one-line command of reasonable length.
// What differs (README, Engines): the shell's own error messages say `eval:` (`sh: 1: eval: x: not
// found`), `ps` shows this script as the shell's command line, and sshd logs the script, not the command.
import { randomBytes } from 'node:crypto';
import type { ChannelRequest } from '../../channel';

// sh's `read` takes a pipe one byte per read(2): a long line is cheaper through a plain exec
const MAX_LINE = 1024;

/** A fresh marker for one engine's prestarted sessions. */
export const prestartToken = (): string => `NET_OPENSSH_READY_${randomBytes(8).toString('hex')}`;

/**
 * The script a prestarted session runs (sshd runs it with the user's shell): it leaves at once unless
 * the shell is a plain sh, prints the marker, reads one line and evaluates it in place.
 */
export const prestartScript = (token: string): string =>
  'case "${BASH_VERSION-}${ZSH_VERSION-}${KSH_VERSION-}" in ?*) exit 0;; esac; ' +
  `printf '%s\\n' ${token}; ` +
  'IFS= read -r __net_openssh_cmd || exit 0; eval "unset __net_openssh_cmd; $__net_openssh_cmd"';

/** The line to feed a prestarted session for `req` (the command and a newline), or undefined when `req` needs a plain exec. */
export const prestartLine = (req: ChannelRequest): Buffer | undefined => {
  if (req.kind !== 'exec' || req.tty === true || (req.env && Object.keys(req.env).length > 0)) return undefined;
  const cmd = req.command;
  if (cmd === undefined) return undefined;
  const bytes = Buffer.isBuffer(cmd) ? cmd : Buffer.from(cmd, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_LINE || bytes.includes(0x0a) || bytes.includes(0)) return undefined;
  return Buffer.concat([bytes, Buffer.from('\n')]);
};

/** What a prestarted session tells the engine. */
export interface PrestartEvents {
  /** The marker came: the session can take a command. */
  ready(): void;
  /** The shell showed something else than the marker, or the session ended before use (the engine stops prestarting unless a marker came before). */
  failed(why: string): void;
}

/** Watches a prestarted session's output before its command: the marker first, and nothing else. */
export class PrestartWatch {
  phase: 'starting' | 'ready' | 'done' = 'starting';
  private seen = Buffer.alloc(0);
  private readonly want: Buffer;

  constructor(
    token: string,
    private readonly events: PrestartEvents,
  ) {
    this.want = Buffer.from(`${token}\n`);
  }

  /** Output that came before the session was given a command. */
  output(stream: 'stdout' | 'stderr' | 'other', data: Buffer): void {
    if (this.phase !== 'starting') return this.fail(`unexpected ${stream} output before the command`);
    if (stream !== 'stdout') return this.fail(`the shell wrote to ${stream} on start`);
    this.seen = Buffer.concat([this.seen, data]);
    const n = Math.min(this.seen.length, this.want.length);
    if (!this.seen.subarray(0, n).equals(this.want.subarray(0, n)) || this.seen.length > this.want.length)
      return this.fail('the shell printed something else than the marker (rc-file output, or not a plain sh)');
    if (this.seen.length === this.want.length) {
      this.phase = 'ready';
      this.events.ready();
    }
  }

  /** The session ended (or was refused) before it got a command. */
  ended(why: string): void {
    if (this.phase !== 'done') this.fail(why);
  }

  /** It got its command. */
  used(): void {
    this.phase = 'done';
  }

  private fail(why: string): void {
    this.phase = 'done';
    this.events.failed(why);
  }
}
