// The engines of one connection, created on first use, and the rule choosing one per call:
// `spawn` always works; `mux` serves what proxy mode can carry; `auto` takes mux when it can.
import type { Channel, ChannelRequest, Engine } from '../channel';
import { invalidArgument, masterGone, type OpenSSHError } from '../errors';
import { holdWhile } from '../keep-alive';
import type { EngineName } from '../options';
import type { EngineContext } from './engine';
import { createMuxEngine, muxRefusal, type MuxEngine, type MuxEngineOptions } from './mux/engine';
import { SessionBudget } from './session-budget';
import { knownSessionLimit, type KnownLimit } from './server-limits';
import { createSpawnEngine } from './spawn/engine';

/** The engines of one master, made lazily; `failAll`/`dispose` reach the ones that exist. */
export class EngineSet {
  private spawnEngine: Engine | undefined;
  private muxEngine: MuxEngine | undefined;
  // the server's sessions, which both engines' sessions count against
  private budget: SessionBudget | undefined;
  // what the server's version implies (server-limits.ts), and the channels opened on this master
  private known: KnownLimit | undefined;
  private opened = 0;

  constructor(
    private readonly ctx: () => EngineContext,
    private readonly mux: Pick<MuxEngineOptions, 'tunnels' | 'prestart'> = {},
  ) {}

  private get tunnels(): boolean {
    return this.mux.tunnels === true;
  }

  /**
   * Opens `req` on the engine chosen by `name`. On a server that serves one session per connection (tinysshd), a
   * second channel fails at once with OSSH_MASTER_FAILED saying so, instead of racing the connection's end.
   */
  open(name: EngineName, req: ChannelRequest): Channel {
    const engine = this.pick(name, req);
    if (this.known?.oneSessionPerConnection && this.opened > 0)
      throw masterGone(
        this.ctx().host,
        `${this.known.why}, and this connection's session was used: use a new connection per command (a new ` +
          'OpenSSH object, or restart())',
      );
    this.opened++;
    return engine.open(req);
  }

  /** The engine for `req` under the chosen name; an explicit `mux` that cannot serve it is an error. */
  pick(name: EngineName, req: ChannelRequest): Engine {
    if (name === 'spawn') return this.spawn();
    const refusal = muxRefusal(req, this.tunnels);
    if (refusal === undefined) return this.muxOne();
    if (name === 'mux')
      throw invalidArgument(`engine 'mux' cannot run this call: ${refusal}; use engine 'auto' or 'spawn'`);
    return this.spawn();
  }

  private spawn(): Engine {
    return (this.spawnEngine ??= createSpawnEngine(this.ctx(), this.sessions()));
  }

  // no warm session ahead on a server that serves one session per connection: the command's is the only one
  private muxOne(): MuxEngine {
    if (this.muxEngine) return this.muxEngine;
    const budget = this.sessions();
    const warmSession = this.known?.oneSessionPerConnection !== true;
    return (this.muxEngine = createMuxEngine(this.ctx(), { ...this.mux, warmSession }, budget));
  }

  // made once the master runs (engines are made for a call on a running master), so its version is known by then
  private sessions(): SessionBudget {
    if (this.budget) return this.budget;
    const ctx = this.ctx();
    const known = knownSessionLimit(ctx.serverVersion);
    if (known) ctx.debug?.(`engines: session limit ${known.limit}: ${known.why}`);
    this.known = known;
    return (this.budget = new SessionBudget(ctx.maxSessions, ctx.maxSessionsGiven ? undefined : known));
  }

  /** The mux engine's counters, when it was used. */
  muxStats(): ReturnType<MuxEngine['stats']> | undefined {
    return this.muxEngine?.stats();
  }

  failAll(e: OpenSSHError): void {
    this.spawnEngine?.failAll(e);
    this.muxEngine?.failAll(e);
  }

  /** Resolves once what was running has been told to end (see each engine's dispose); holds the process meanwhile. */
  dispose(): Promise<void> {
    const ending = [this.spawnEngine?.dispose(), this.muxEngine?.dispose()];
    this.spawnEngine = this.muxEngine = undefined;
    this.budget = this.known = undefined;
    this.opened = 0;
    return holdWhile(Promise.all(ending).then(() => undefined));
  }
}
