// One place for what the CLI's exit status means, so every command and the docs agree.

/** Exit statuses of `net-openssh`. */
export const EXIT = {
  /** Every host succeeded. */
  ok: 0,
  /** At least one host failed (did not connect, its command exited non-zero, timed out, its transfer failed). */
  hostsFailed: 1,
  /** Bad command line or hosts file: nothing ran. */
  usage: 2,
  /** Interrupted (SIGINT / Ctrl-C): the remote commands were ended. */
  interrupted: 130,
} as const;

/** A mistake in what the user asked for (arguments, hosts file): printed without a stack, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
