// The events a remote command emits, and their type guards.

/** A chunk of the remote command's stdout or stderr. */
export interface OutputEvent {
  type: 'stdout' | 'stderr';
  data: Buffer;
}
/** The remote command ended: exactly one of `code` and `signal` is non-null. */
export interface ExitEvent {
  type: 'exit';
  code: number | null;
  signal: string | null;
  /** Set when the status is not the remote command's own report, saying what happened (e.g. the server refused a signal and the channel was closed). */
  note?: string;
}
/** What `exec$` emits: output chunks in arrival order, then one exit event. */
export type ExecEvent = OutputEvent | ExitEvent;

export const isStdout = (e: ExecEvent): e is OutputEvent & { type: 'stdout' } => e.type === 'stdout';
export const isStderr = (e: ExecEvent): e is OutputEvent & { type: 'stderr' } => e.type === 'stderr';
export const isExit = (e: ExecEvent): e is ExitEvent => e.type === 'exit';
