// The events a remote command emits, and their type guards.

/** A chunk of the remote command's stdout or stderr. */
export interface OutputEvent {
  /** Which stream the chunk came from. */
  type: 'stdout' | 'stderr';
  /** The bytes, as they arrived. */
  data: Buffer;
}
/** The remote command ended: exactly one of `code` and `signal` is non-null. */
export interface ExitEvent {
  /** Always `'exit'`. */
  type: 'exit';
  /** The exit code, or null when a signal ended the command. */
  code: number | null;
  /** The signal name without `SIG` (e.g. `'TERM'`), or null. */
  signal: string | null;
  /**
   * Set when the status is not the remote command's own report, saying what happened (e.g. the server refused a signal
   * and the channel was closed).
   */
  note?: string;
}
/** What `exec$` emits: output chunks in arrival order, then one exit event. */
export type ExecEvent = OutputEvent | ExitEvent;

/** Type guard: a stdout chunk. */
export const isStdout = (e: ExecEvent): e is OutputEvent & { /** `'stdout'` */ type: 'stdout' } => e.type === 'stdout';
/** Type guard: a stderr chunk. */
export const isStderr = (e: ExecEvent): e is OutputEvent & { /** `'stderr'` */ type: 'stderr' } => e.type === 'stderr';
/** Type guard: the exit event. */
export const isExit = (e: ExecEvent): e is ExitEvent => e.type === 'exit';
