// What a `run` shows, whatever the format: the shape every view of a run fills in.
import type { FleetHostState, FleetLineEvent, HostResult } from '../../fleet/types';

/** A line of a host's output. */
export type RunLine = Extract<FleetLineEvent, { type: 'line' }>;

/** How a run came out: every host's result in host order (interrupted hosts marked), and its duration. */
export interface RunOutcome {
  results: Array<HostResult & { interrupted?: true }>;
  durationMs: number;
}

/** Receives a run's events as they happen and renders them. */
export interface RunView {
  /** A host's master changed state. */
  state(s: FleetHostState): void;
  /** A line of output. */
  line(e: RunLine): void;
  /** A host ended (exactly once per host, unless the run was interrupted first). */
  end(result: HostResult): void;
  /** The run is over: draw the summary. */
  finish(outcome: RunOutcome): void;
}
