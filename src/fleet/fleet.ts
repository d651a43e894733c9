// Many hosts as one: connections started a bounded number at a time, their states in one stream, and
// one command run on all of them with its events merged and tagged by host. A host that fails is an
// event of the run, never its end.
import {
  defer,
  from,
  map,
  merge,
  mergeMap,
  of,
  lastValueFrom,
  toArray,
  type Observable,
  type Subscription,
} from 'rxjs';
import { invalidArgument, masterGone } from '../core/errors';
import { pickKnown } from '../core/validate';
import type { ConnectionFactory, FleetConnection } from '../conn';
import type { CommandArg } from '../core/remote-command';
import { abortable } from '../observables/operators/abortable';
import { connectAll, type RetryPolicy } from './connect-pool';
import { checkConcurrency, fleetPlan, type FleetPlan } from './fleet-plan';
import { hostEntries, type HostEntry } from './host-entry';
import { hostLines } from './host-lines';
import { DEFAULT_MAX_HOSTS } from './host-range';
import { failedEvent, hostRun$ } from './host-run';
import { abortedEvent, abortOnFailure, withAttempts, withBudget } from './run-policies';
import { resultOf, summaryOf } from './summarize';
import type {
  FleetExecEvent,
  FleetExecOptions,
  FleetHost,
  FleetHostState,
  FleetLineEvent,
  FleetLinesOptions,
  FleetOptions,
  FleetSummary,
  HostResult,
} from './types';

const DEFAULT_CONCURRENCY = 20;
const DEFAULT_COMMAND_CONCURRENCY = 50;
const FLEET_OPTIONS = new Set([
  'options',
  'concurrency',
  'commandConcurrency',
  'maxHosts',
  'retries',
  'retryDelay',
  'hostConcurrency',
]);

/** Validates `retries` (an integer ≥ 0) and `retryDelay` (seconds ≥ 0) into a retry policy. */
const retryPolicy = (options: FleetOptions): RetryPolicy => {
  const { retries = 0, retryDelay = 1 } = options;
  if (!(Number.isInteger(retries) && retries >= 0))
    throw invalidArgument('Expected `retries` to be an integer ≥ 0', retries);
  if (!(typeof retryDelay === 'number' && Number.isFinite(retryDelay) && retryDelay >= 0))
    throw invalidArgument('Expected `retryDelay` to be a number of seconds ≥ 0', retryDelay);
  return { retries, delayMs: retryDelay * 1000 };
};

/**
 * A set of hosts driven together: see {@link fleet}. Connections start at construction,
 * `concurrency` at a time; commands wait for their host's master (or report its failure).
 * `C` is the type of each host's connection: `OpenSSH` for the package's `fleet()` and `OpenSSH.fleet()`.
 */
export class Fleet<C extends FleetConnection = FleetConnection> {
  /** The hosts' labels, in the order given. */
  readonly hosts: readonly string[];
  private readonly entries: readonly HostEntry<C>[];
  private readonly byLabel: ReadonlyMap<string, HostEntry<C>>;
  private readonly pool: Subscription;
  private readonly commandConcurrency: number;
  private readonly stop = new AbortController();
  private closing: Promise<void> | undefined;

  /** Use {@link fleet} (or `OpenSSH.fleet`); `factory` makes each host's connection. */
  constructor(hosts: readonly FleetHost[], options: FleetOptions, factory: ConnectionFactory<C>) {
    pickKnown(options, FLEET_OPTIONS, 'fleet');
    const concurrency = checkConcurrency('concurrency', options.concurrency, DEFAULT_CONCURRENCY);
    this.commandConcurrency = checkConcurrency(
      'commandConcurrency',
      options.commandConcurrency,
      DEFAULT_COMMAND_CONCURRENCY,
    );
    const maxHosts = checkConcurrency('maxHosts', options.maxHosts, DEFAULT_MAX_HOSTS);
    const hostConcurrency = checkConcurrency('hostConcurrency', options.hostConcurrency, Infinity);
    const retry = retryPolicy(options);
    this.entries = hostEntries(hosts, options.options ?? {}, factory, maxHosts, hostConcurrency);
    this.hosts = this.entries.map((e) => e.label);
    this.byLabel = new Map(this.entries.map((e) => [e.label, e]));
    this.pool = connectAll(this.entries, concurrency, retry, this.stop.signal);
  }

  /** The connection of `host` (a label from `hosts`), to use on its own; the fleet still owns it. */
  connection(host: string): C | undefined {
    return this.byLabel.get(host)?.ssh;
  }

  /** Every host's master state: the current one for each host on subscription, then every change. */
  get state$(): Observable<FleetHostState> {
    return merge(...this.entries.map((e) => e.ssh.state$.pipe(map((state) => ({ host: e.label, state })))));
  }

  /** Every host's master state now, in host order. */
  states(): FleetHostState[] {
    return this.entries.map((e) => ({ host: e.label, state: e.ssh.state }));
  }

  /**
   * Resolves once every master is running or has failed (never rejects): which hosts are up, and why the others are
   * not.
   */
  async connected(): Promise<{
    /** Hosts whose master runs. */
    running: string[];
    /** Hosts whose master failed, and why. */
    failed: Array<{
      /** The host's label. */
      host: string;
      /** Why. */
      error: NonNullable<Awaited<HostEntry['ready']>>;
    }>;
  }> {
    const outcomes = await Promise.all(this.entries.map(async (e) => ({ host: e.label, error: await e.ready })));
    return {
      running: outcomes.filter((o) => o.error === undefined).map((o) => o.host),
      failed: outcomes.flatMap((o) => (o.error === undefined ? [] : [{ host: o.host, error: o.error }])),
    };
  }

  /**
   * Runs `cmd` on every host: a cold Observable of `{host, event}` where `event` is the host's ExecEvent
   * (stdout/stderr chunks, then its exit) or `{type: 'error', error}` when the host failed to connect or
   * its command failed at the SSH level. Each host's last value (exit or error) carries its `result`.
   * At most `concurrency` commands run at once; hosts run as their masters come up. The stream never
   * errors because of a host; it completes when every host has ended. Unsubscribing ends every remote
   * command (a remote TERM with the mux engine). `signal` aborts the whole run (OSSH_ABORTED).
   */
  exec$(options: FleetExecOptions, ...cmd: CommandArg[]): Observable<FleetExecEvent>;
  exec$(...cmd: CommandArg[]): Observable<FleetExecEvent>;
  exec$(...args: unknown[]): Observable<FleetExecEvent> {
    const plan = fleetPlan(args, this.commandConcurrency, false);
    return this.run$(plan, (_e, run$) => run$);
  }

  /**
   * Like {@link exec$}, as lines: `{type: 'line', host, stream, line}` for each complete stdout (and,
   * unless `stderr: false`, stderr) line, the last partial line flushed at the end, then
   * `{type: 'end', host, result}` once per host.
   */
  lines$(options: FleetLinesOptions, ...cmd: CommandArg[]): Observable<FleetLineEvent>;
  lines$(...cmd: CommandArg[]): Observable<FleetLineEvent>;
  lines$(...args: unknown[]): Observable<FleetLineEvent> {
    const plan = fleetPlan(args, this.commandConcurrency, true);
    return this.run$(plan, (e, run$) => run$.pipe(hostLines(e.label, plan.encoding, plan.stderr)));
  }

  /**
   * Runs `cmd` on every host and resolves with the summary (results in host order); output is not kept. Never rejects
   * because of a host; rejects with OSSH_ABORTED on `signal`.
   */
  exec(options: FleetExecOptions, ...cmd: CommandArg[]): Promise<FleetSummary>;
  exec(...cmd: CommandArg[]): Promise<FleetSummary>;
  async exec(...args: unknown[]): Promise<FleetSummary> {
    const start = performance.now();
    const ends = await lastValueFrom(
      (this.exec$ as (...a: unknown[]) => Observable<FleetExecEvent>)(...args).pipe(toArray()),
    );
    const byHost = new Map<string, HostResult>();
    for (const e of ends) {
      const r = resultOf(e);
      if (r) byHost.set(r.host, r);
    }
    return summaryOf(
      this.hosts.flatMap((h) => byHost.get(h) ?? []),
      performance.now() - start,
    );
  }

  private run$<V>(
    plan: FleetPlan,
    shape: (e: HostEntry<C>, run$: Observable<FleetExecEvent>) => Observable<V>,
  ): Observable<V> {
    if (this.closing) throw masterGone(undefined, 'the fleet was closed');
    // built now, so that bad options or arguments throw here, before anything runs
    const perHost = this.entries.map((e) => {
      const events$ = e.ssh.exec$(plan.execOptions, ...plan.cmd);
      const sshHost = e.ssh.getHost();
      const tagged$ = (src$: Observable<FleetExecEvent>) => shape(e, src$.pipe(withAttempts(() => e.attempts)));
      let command$ = hostRun$(e.label, sshHost, events$);
      if (plan.budget !== undefined) command$ = command$.pipe(withBudget(e.label, sshHost, plan.budget));
      return {
        e,
        run$: tagged$(e.gate.through(command$)),
        failed$: (error: NonNullable<Awaited<HostEntry['ready']>>) => tagged$(of(failedEvent(e.label, error))),
        aborted: (failedHost: string) => {
          const ends: V[] = [];
          shape(e, of(abortedEvent(e.label, sshHost, failedHost))).subscribe((v) => ends.push(v));
          return ends;
        },
      };
    });
    const byLabel = new Map(perHost.map((h) => [h.e.label, h]));
    let all$ = defer(() =>
      merge(...perHost.map((h) => from(h.e.ready).pipe(map((error) => ({ h, error }))))).pipe(
        // a host whose master failed ends at once; the others queue for a command slot as they come up
        mergeMap(({ h, error }) => (error ? h.failed$(error) : h.run$), plan.concurrency),
      ),
    );
    if (plan.onError === 'abort')
      all$ = all$.pipe(
        abortOnFailure(
          this.hosts,
          (v) => resultOf(v as FleetExecEvent | FleetLineEvent),
          (host, failedHost) => byLabel.get(host)!.aborted(failedHost),
        ),
      );
    if (plan.signal) all$ = all$.pipe(abortable(plan.signal));
    return all$;
  }

  /** Disconnects every host (masters started or not) and waits until their processes are gone. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.pool.unsubscribe(); // start no more masters
      this.stop.abort(); // nor retry any
      for (const e of this.entries)
        if (!e.settled) e.settle(masterGone(e.ssh.getHost(), 'the fleet was closed before this host connected'));
      await Promise.all(this.entries.map((e) => e.ssh.disconnect()));
    })();
    return this.closing;
  }

  /** `await using f = fleet(...)` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Connects to many hosts, `concurrency` masters at a time, and runs commands on all of them with
 * their output merged and tagged by host. Hosts are destination strings or `{destination, options, name}`.
 * `factory` makes each host's connection (the package's `fleet(hosts, options)` makes OpenSSH ones).
 *
 * ## Example
 *
 * ```ts
 * import { fleet } from 'net-openssh';
 *
 * await using f = fleet(['web1', 'web2', 'deploy@db1:2222'], { options: { batchMode: true, timeout: 10 } });
 * f.lines$('uptime').subscribe((e) => {
 *   if (e.type === 'line') console.log(`${e.host}: ${e.line}`);
 *   else if (!e.result.ok) console.log(`${e.host} failed: ${e.result.error?.message}`);
 * });
 * ```
 */
export const fleet = <C extends FleetConnection>(
  hosts: readonly FleetHost[],
  options: FleetOptions,
  factory: ConnectionFactory<C>,
): Fleet<C> => new Fleet(hosts, options, factory);
