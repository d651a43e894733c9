// `net-openssh run`: one command on every host over one master each, the output merged live (or in
// blocks), a status line while hosts are pending, and a summary; exit 0 only if every host succeeded.
import type { Command } from 'commander';
import type { FleetHost, HostResult } from '../../fleet/types';
import type { OpenSSHOptions } from '../../core/options';
import { EXIT, UsageError } from '../exit-codes';
import { openFleet } from '../open-fleet';
import { count, duration, oneOf, seconds } from '../args';
import { refuseMisplacedOptions } from '../misplaced-options';
import type { CliIO } from '../io';
import { addCommonOptions, commonSettings, type CommonFlags } from '../common-options';
import { humanRunView } from '../render/human-view';
import { interruptedResult } from '../render/host-result';
import { jsonRunView } from '../render/json-view';
import type { RunOutcome, RunView } from '../render/run-view';

/** What `run` was asked to do. */
export interface RunRequest {
  targets: FleetHost[];
  /** The remote command line (run by each host's shell, as `ssh host words...` runs it). */
  command: string;
  connection: OpenSSHOptions;
  concurrency?: number | undefined;
  output: 'prefix' | 'group' | 'json';
  /** Connection attempts after the first for a host that fails to connect, and the first delay (seconds). */
  retries?: number | undefined;
  retryDelay?: number | undefined;
  /** `abort`: the first failed host ends the run. */
  onError?: 'continue' | 'abort' | undefined;
  /** Seconds each host's command may run in all. */
  budget?: number | undefined;
  /** Ends the run (the CLI aborts it on SIGINT). */
  signal?: AbortSignal | undefined;
}

const POLICIES = ['continue', 'abort'] as const;

/** `run`'s own flags, with the common ones. */
type RunFlags = CommonFlags & {
  group?: boolean;
  persist?: number;
  retries?: number;
  retryDelay?: number;
  onError?: (typeof POLICIES)[number];
  budget?: number;
};

/** The exit status for a run's results. */
export const exitStatus = (results: ReadonlyArray<HostResult & { interrupted?: true }>): number =>
  results.some((r) => r.interrupted) ? EXIT.interrupted : results.every((r) => r.ok) ? EXIT.ok : EXIT.hostsFailed;

// The library's fleet does the work; this only renders its events and folds them into an exit status.
/** Runs the command on every host; resolves with the exit status and every host's result (in host order). */
export const runOnHosts = async (
  req: RunRequest,
  io: CliIO,
): Promise<{ status: number; results: RunOutcome['results'] }> => {
  const f = openFleet(req.targets, req.connection, req.concurrency, {
    ...(req.retries !== undefined && { retries: req.retries }),
    ...(req.retryDelay !== undefined && { retryDelay: req.retryDelay }),
  });
  try {
    const view: RunView =
      req.output === 'json' ? jsonRunView(io.stdout) : humanRunView(io, f.hosts, req.output === 'group');
    const start = performance.now();
    const results = new Map<string, HostResult>();
    const states = f.state$.subscribe((s) => view.state(s));
    try {
      await new Promise<void>((resolve) => {
        const runOptions = {
          ...(req.signal && { signal: req.signal }),
          ...(req.onError && { onError: req.onError }),
          ...(req.budget !== undefined && { budget: req.budget }),
        };
        f.lines$(runOptions, req.command).subscribe({
          next: (e) => {
            if (e.type === 'line') return view.line(e);
            results.set(e.host, e.result);
            view.end(e.result);
          },
          error: () => resolve(), // aborted: the hosts without a result are the interrupted ones
          complete: () => resolve(),
        });
      });
    } finally {
      states.unsubscribe();
    }
    const all = f.hosts.map((h) => results.get(h) ?? interruptedResult(h));
    view.finish({ results: all, durationMs: performance.now() - start });
    // the aborted commands' remote signals travel through the masters: f.close() waits for the server's answers
    return { status: exitStatus(all), results: all };
  } finally {
    await f.close();
  }
};

/**
 * Adds `run` to the program; `act` runs a command's work with SIGINT handling and the exit status; `argv` is
 * what the program parses (to see whether `--` came before the remote command).
 */
export const registerRun = (
  program: Command,
  act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>,
  io: CliIO,
  argv: readonly string[] = [],
): Command =>
  addCommonOptions(
    program
      .command('run')
      .summary('run a command on many hosts, output merged live')
      .description(
        'Runs a command on every host (one ssh master each) with the output merged live behind coloured host ' +
          'names, then a summary.\nExit status: 0 if every host succeeded, 1 if any failed, 2 for a usage ' +
          'error, 130 if interrupted.',
      )
      .argument(
        '<command...>',
        'the remote command; words are joined with spaces and run by the remote shell, as ssh does (put it ' +
          'after --; without --, our own options after its first word are refused)',
      ),
  )
    .option('--retries <n>', 'connection attempts after the first for a host that fails to connect (default 0)', count)
    .option('--retry-delay <seconds>', 'seconds before the first retry, doubled for each next one (default 1)', seconds)
    .option('--on-error <policy>', 'continue (default), or abort: the first failed host ends the run', oneOf(POLICIES))
    .option('--budget <duration>', "time each host's command may take in all (30s, 5m); past it, it is ended", duration)
    .option('-g, --group', "print each host's output as one block when the host ends")
    .option(
      '--persist <duration>',
      "keep each host's master for later runs once idle this long (90s, 10m, 2h); see net-openssh masters",
      duration,
    )
    .passThroughOptions()
    .action(async (words: string[], flags: RunFlags, cmd: Command) => {
      refuseMisplacedOptions(cmd, words, argv);
      const common = commonSettings(flags);
      // a later run with the same options finds these masters again (ControlPersist takes whole seconds)
      if (flags.persist !== undefined) common.connection = { ...common.connection, persist: Math.ceil(flags.persist) };
      if (common.json && flags.group) throw new UsageError('--group and --json do not go together');
      const output: RunRequest['output'] = common.json ? 'json' : flags.group ? 'group' : 'prefix';
      await act(async (signal) => {
        const { retries, retryDelay, onError, budget } = flags;
        const req = { ...common, command: words.join(' '), output, signal, retries, retryDelay, onError, budget };
        return (await runOnHosts(req, io)).status;
      });
    });
