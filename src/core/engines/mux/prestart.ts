// Prestarted shells (muxPrestart, opt-in; the mux engine's pipelining): the warm session goes one step
// further and already runs the remote shell, waiting for a command line on its stdin, so a command costs
// neither the exec round trip nor sshd's fork and the shell's start. Only where that is the same as
// sshd's own `$SHELL -c command`:
// - the login shell is a plain POSIX sh such as dash: `eval` of the line in the running shell then
//   runs it as `sh -c` would (same $0, $$, exit status, environment, stdin after the line, process
//   tree). bash, zsh and ksh optimise `-c` differently and read rc files, csh and fish do not parse
//   the script: the script exits without its marker there, and the engine stops prestarting;
// - the call is a plain exec: no pty, no env requests, a one-line command of reasonable length.
// What differs (README, Engines): the shell's own error messages say `eval:` (`sh: 1: eval: x: not
// found`), `ps` shows this script as the shell's command line, and sshd logs the script, not the command.
// All of it lives here: the engine asks a Prestarter for warm sessions and which one a command takes;
// a session knows only that something (a WarmStart) runs in it before its command.
import { randomBytes } from 'node:crypto';
import type { ChannelRequest } from '../../channel';
import { slaveFailed } from '../../errors';
import { MuxSession, type WarmStart } from './session';

// sh's `read` takes a pipe one byte per read(2): a long line is cheaper through a plain exec
const MAX_LINE = 1024;
// prestarted shells kept ahead (a plain warm session: one). A command in a tight loop finds the second one
// ready instead of waiting for the one opened during the last command (the engine opens it only with a
// session to spare)
const AHEAD = 2;

/**
 * The script a prestarted session runs (sshd runs it with the user's shell): it leaves at once unless
 * the shell is a plain sh, prints the marker, reads one line and evaluates it in place.
 */
const prestartScript = (token: string): string =>
  'case "${BASH_VERSION-}${ZSH_VERSION-}${KSH_VERSION-}" in ?*) exit 0;; esac; ' +
  `printf '%s\\n' ${token}; ` +
  'IFS= read -r __net_openssh_cmd || exit 0; eval "unset __net_openssh_cmd; $__net_openssh_cmd"';

/** The line to feed a prestarted shell for `req` (command and newline); undefined when `req` needs a plain exec. */
const prestartLine = (req: ChannelRequest): Buffer | undefined => {
  if (req.kind !== 'exec' || req.tty === true || (req.env && Object.keys(req.env).length > 0)) return undefined;
  const cmd = req.command;
  if (cmd === undefined) return undefined;
  const bytes = Buffer.isBuffer(cmd) ? cmd : Buffer.from(cmd, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_LINE || bytes.includes(0x0a) || bytes.includes(0)) return undefined;
  return Buffer.concat([bytes, Buffer.from('\n')]);
};

/** A warm session chosen for a request, and the command line it takes when it is a prestarted shell. */
export interface WarmPick {
  readonly session: MuxSession;
  readonly line: Buffer | undefined;
}

/**
 * The prestarted shells of one mux engine: whether it prestarts, the warm sessions it opens, which one a
 * command takes and which one is given back first. Off for good once a shell shows it does not suit.
 */
export class Prestarter {
  private enabled: boolean;
  // once one shell has shown its marker, a command may wait for the next one to start
  private proven = false;
  private readonly token = `NET_OPENSSH_READY_${randomBytes(8).toString('hex')}`;
  private readonly shells = new WeakMap<MuxSession, Shell>();

  /** `gone`: a prestarted warm session ended unused (it is closed); the engine forgets it and opens the next. */
  constructor(
    on: boolean,
    private readonly host: string,
    private readonly debug: (line: string) => void,
    private readonly gone: (session: MuxSession) => void,
  ) {
    this.enabled = on;
  }

  /** Whether new warm sessions are prestarted shells. */
  get on(): boolean {
    return this.enabled;
  }

  /** Warm sessions to keep ahead. */
  get ahead(): number {
    return this.on ? AHEAD : 1;
  }

  /** A new warm session: a prestarted shell while on, else a plain one. */
  warm(): MuxSession {
    if (!this.on) return MuxSession.warm(this.host, this.debug);
    const shell = new Shell(this, this.host, this.debug, prestartScript(this.token), Buffer.from(`${this.token}\n`));
    this.shells.set(shell.session, shell);
    return shell.session;
  }

  /**
   * Of the warm sessions, the one `req` takes: a plain one, else a prestarted shell that is ready (or, once
   * one has shown its marker, still starting) when `req` suits it; undefined when none can.
   */
  choose(warms: readonly MuxSession[], req: ChannelRequest): WarmPick | undefined {
    const plain = warms.find((s) => !this.shells.has(s));
    if (plain) return { session: plain, line: undefined };
    const line = prestartLine(req);
    if (!line) return undefined;
    const can = (orStarting: boolean) => warms.find((s) => this.shells.get(s)?.canTake(orStarting));
    const session = can(false) ?? (this.proven ? can(true) : undefined);
    return session && { session, line };
  }

  /** Gives the chosen warm session its request; false when it closed meanwhile. */
  give(pick: WarmPick, req: ChannelRequest): boolean {
    const shell = this.shells.get(pick.session);
    return shell ? shell.give(req, pick.line!) : pick.session.assign(req);
  }

  /** Of the warm sessions, the one to give back first (furthest from use): a shell still starting, else the first. */
  furthest(warms: readonly MuxSession[]): MuxSession | undefined {
    return warms.find((s) => this.shells.get(s)?.canTake(false) === false) ?? warms[0];
  }

  /** A shell showed its marker. */
  ready(): void {
    this.proven = true;
  }

  /** A shell failed before its command: before any marker came, the shell is not one the fast path suits. */
  failed(session: MuxSession, why: string): void {
    if (!this.proven && this.enabled) {
      this.debug(`mux: prestarted sessions off: ${why}`);
      this.enabled = false;
    } else this.debug(`mux: a prestarted session ended unused: ${why}`);
    session.close();
    this.gone(session);
  }
}

/** One prestarted shell: watches its output for the marker and nothing else, then feeds it its command line. */
class Shell implements WarmStart {
  readonly request: ChannelRequest;
  readonly session: MuxSession;
  private phase: 'starting' | 'ready' | 'done' = 'starting';
  private seen = Buffer.alloc(0);
  /** A command given while the shell was still starting: fed once the marker came. */
  private pending: { req: ChannelRequest; line: Buffer } | undefined;

  constructor(
    private readonly owner: Prestarter,
    private readonly host: string,
    debug: (line: string) => void,
    script: string,
    private readonly marker: Buffer,
  ) {
    this.request = { kind: 'exec', command: script, stdin: 'pipe' };
    this.session = MuxSession.warm(host, debug, this);
  }

  /** Whether it can take a command: its shell is ready, or (`orStarting`) still starting. */
  canTake(orStarting: boolean): boolean {
    const phase = this.phase;
    return !this.pending && this.session.waitingOpen && (phase === 'ready' || (orStarting && phase === 'starting'));
  }

  /** Its command: written now when the shell is ready, else once it is. false when it cannot take one any more. */
  give(req: ChannelRequest, line: Buffer): boolean {
    if (!this.canTake(true)) return false;
    if (this.phase === 'ready') this.feed(req, line);
    else this.pending = { req, line };
    return true;
  }

  output(stream: 'stdout' | 'stderr' | 'other', data: Buffer): void {
    if (this.phase !== 'starting') return this.fail(`unexpected ${stream} output before the command`);
    if (stream !== 'stdout') return this.fail(`the shell wrote to ${stream} on start`);
    this.seen = Buffer.concat([this.seen, data]);
    const n = Math.min(this.seen.length, this.marker.length);
    if (!this.seen.subarray(0, n).equals(this.marker.subarray(0, n)) || this.seen.length > this.marker.length)
      return this.fail('the shell printed something else than the marker (rc-file output, or not a plain sh)');
    if (this.seen.length < this.marker.length) return;
    this.phase = 'ready';
    this.owner.ready();
    const p = this.pending;
    // a command given meanwhile whose caller has closed it since is not sent
    if (p && this.session.waitingOpen) this.feed(p.req, p.line);
  }

  ended(why: string): void {
    if (this.phase !== 'done') this.fail(why);
  }

  private feed(req: ChannelRequest, line: Buffer): void {
    this.phase = 'done';
    this.pending = undefined;
    this.session.feed(req, line);
  }

  private fail(why: string): void {
    this.phase = 'done';
    const what = `the prestarted remote shell ended before it got the command (${why}); the command did not run`;
    if (this.pending) this.session.abandon(slaveFailed(this.host, what));
    this.pending = undefined;
    this.owner.failed(this.session, why);
  }
}
