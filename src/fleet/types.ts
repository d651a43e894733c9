// The public shapes of a fleet: its hosts, options, the events it streams and its summary.
import type { CommonCallOptions, StdinCallOptions } from '../core/call-options';
import type { OpenSSHError } from '../core/errors';
import type { MasterState } from '../core/master-state';
import type { OpenSSHOptions } from '../core/options';
import type { ExecEvent, ExitEvent, OutputEvent } from '../observables/events';

/**
 * One host of a fleet: a destination string, or a destination with its own options. A destination may hold host
 * ranges, as pssh and SSH::Batch write them: `web[01-20].example.com` (zero padding kept), `db[1-3,7]`,
 * `r[1-2]n[1-4]` (every combination); it stands for one host per name (a host with a `name` cannot be a range).
 * Brackets holding a `:` are an IPv6 address, not a range.
 */
export type FleetHost =
  | string
  | {
      /** Any destination `new OpenSSH()` accepts (`host`, `user@host:port`, ...). */
      destination: string;
      /** Options for this host, over the fleet's `options`. */
      options?: OpenSSHOptions;
      /** The label its events carry. @default `user@host:port` as `ssh.toString()` prints it (never the password) */
      name?: string;
    };

/** Options of `fleet(hosts, options)`. */
export interface FleetOptions {
  /** Constructor options for every host (a host's own `options` win). `connect` is the fleet's to decide. */
  options?: Omit<OpenSSHOptions, 'connect' | 'async'>;
  /** Masters connecting at once (each is an ssh process and a TCP + SSH handshake). @default 20 */
  concurrency?: number;
  /**
   * Commands running at once across the fleet in `exec$` / `lines$` / `exec`, unless a call says otherwise.
   * @default 50
   */
  commandConcurrency?: number;
  /**
   * The most hosts that host ranges (`web[01-20]`, `db[1-3,7]`) may expand to, all ranges together; more is
   * refused with OSSH_INVALID_ARGUMENT, so that a typo (`[1-10000]`) does not start ten thousand masters. Hosts
   * listed one by one do not count. @default 1000
   */
  maxHosts?: number;
  /**
   * Connection attempts after the first for a host whose master fails to connect (OSSH_MASTER_FAILED), before the
   * host counts as failed (Net::OpenSSH::Parallel's retry policy). A host being retried keeps its `concurrency`
   * slot. @default 0
   */
  retries?: number;
  /** Seconds before the first retry; each further retry waits twice as long (1, 2, 4 s ...). @default 1 */
  retryDelay?: number;
  /**
   * Commands at once on one host, across every run of this fleet going at once (Net::OpenSSH::Parallel's per-host
   * concurrency); the others wait their turn. @default Infinity (no limit)
   */
  hostConcurrency?: number;
}

/** Options of `fleet.exec$(options, ...cmd)` and `fleet.exec`: exec$'s per-call options, plus fleet ones. */
export interface FleetExecOptions extends CommonCallOptions, StdinCallOptions {
  /** Commands running at once. @default the fleet's `commandConcurrency` */
  concurrency?: number;
  /** Aborts the whole run: every remote command is ended and the stream errors with OSSH_ABORTED (`exec()` rejects). */
  signal?: AbortSignal;
  /**
   * Seconds without traffic from a host before its command fails with OSSH_SLAVE_TIMEOUT (an event, not the end of the
   * run); the timed-out command is ended. `0`: none. @default the host's connection `timeout`
   */
  timeout?: number;
  /**
   * Accepted as `true` only: the fleet's streams are Observables, and a stream that errored holds no command (`false`
   * is refused with OSSH_INVALID_ARGUMENT). @default true
   */
  killSshOnTimeout?: boolean;
  /**
   * What a failed host does to the run: `'continue'` (the others go on) or `'abort'`: the first host that fails
   * (did not connect, non-zero exit, timeout...) ends the run; every host not yet ended ends with OSSH_ABORTED and
   * `abortedAfter` naming it (running commands are ended, queued ones never run). @default 'continue'
   */
  onError?: 'continue' | 'abort';
  /**
   * A per-host time budget: seconds a host's command may run in all (from its start, output or not); past it the
   * command is ended and the host fails with OSSH_SLAVE_TIMEOUT and `overBudget`. @default none
   */
  budget?: number;
}

/** Options of `fleet.lines$`: those of `exec$`, plus how output is decoded. */
export interface FleetLinesOptions extends FleetExecOptions {
  /** Text encoding of the output (a `TextDecoder` label); undecodable bytes become U+FFFD. @default 'utf-8' */
  encoding?: string;
  /** Emit stderr lines too (with `stream: 'stderr'`). @default true */
  stderr?: boolean;
}

/** A host failed before or instead of an exit status: its master did not connect, the channel failed, a timeout. */
export interface FleetErrorEvent {
  /** Always `'error'`. */
  type: 'error';
  /** What went wrong. */
  error: OpenSSHError;
}

/** How one host's command ended: the same for every host, whatever happened. */
export interface HostResult {
  /** The host's label. */
  host: string;
  /** The command ran and exited 0. */
  ok: boolean;
  /** The remote exit code, or null (no exit status: connection failure, signal). */
  exitCode: number | null;
  /** The signal that ended the remote command (`'TERM'`), or null. */
  signal: string | null;
  /**
   * Why it is not ok: OSSH_MASTER_FAILED (did not connect), OSSH_SLAVE_CMD_FAILED (non-zero exit, with the stderr
   * tail), OSSH_SLAVE_TIMEOUT, ...
   */
  error?: OpenSSHError;
  /** Milliseconds from the command's start on this host to its end (0 when its master never connected). */
  durationMs: number;
  /** Bytes the command wrote to stdout. */
  bytesOut: number;
  /** Bytes the command wrote to stderr. */
  bytesErr: number;
  /** Connection attempts, when the retry policy made more than one (`retries`). */
  attempts?: number;
  /** Set when the abort policy ended this host: the host whose failure aborted the run. */
  abortedAfter?: string;
  /** Set when this host's command went past the run's `budget` and was ended. */
  overBudget?: true;
}

/** A value of `fleet.exec$`: one host's output chunk, or its last event (exit or error) with its result. */
export type FleetExecEvent =
  | {
      /** The host's label. */
      host: string;
      /** An output chunk. */
      event: OutputEvent;
      /** Not set on output. */
      result?: undefined;
    }
  | {
      /** The host's label. */
      host: string;
      /** How the host ended. */
      event: ExitEvent | FleetErrorEvent;
      /** The host's result. */
      result: HostResult;
    };

/** A value of `fleet.lines$`: one complete line of a host, or the end of that host with its result. */
export type FleetLineEvent =
  | {
      /** A line. */
      type: 'line';
      /** The host's label. */
      host: string;
      /** Where it came from. */
      stream: 'stdout' | 'stderr';
      /** The line, without its separator. */
      line: string;
    }
  | {
      /** The host is done. */
      type: 'end';
      /** The host's label. */
      host: string;
      /** The host's result. */
      result: HostResult;
    };

/** What a run of the fleet came to. */
export interface FleetSummary {
  /** One result per host, in the fleet's host order (arrival order from `summarize()` on a filtered stream). */
  results: HostResult[];
  /** Hosts whose command exited 0. */
  ok: number;
  /** Hosts that failed (did not connect, non-zero exit, timeout, ...). */
  failed: number;
  /** Milliseconds from the start of the run to its end. */
  durationMs: number;
  /**
   * Which policies acted, as sentences: `retried 2 hosts (1 connected)`, `aborted after web3 failed (12 hosts
   * ended or not run)`, `1 host over the time budget`; empty when none did.
   */
  policies: string[];
}

/** A host's master state, as `fleet.state$` publishes it. */
export interface FleetHostState {
  /** The host's label. */
  host: string;
  /** Its master's state. */
  state: MasterState;
}

/** The per-host end events that carry a result (exec$ and lines$ alike). */
export type FleetEndEvent = Extract<FleetExecEvent, { result: HostResult }> | Extract<FleetLineEvent, { type: 'end' }>;
export type { ExecEvent };
