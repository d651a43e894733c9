// Many hosts at once (re-exports only).
export { Fleet, fleet } from './fleet';
export { summarize } from './summarize';
export type {
  FleetErrorEvent,
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
