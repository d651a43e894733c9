// The fleet every many-host command runs on, with the library's refusals of bad hosts or options turned
// into usage errors (exit status 2, a message without a stack).
import { OpenSSH } from '../openssh';
import { isOpenSSHError } from '../core/errors';
import type { Fleet } from '../fleet/fleet';
import type { FleetHost, FleetOptions } from '../fleet/types';
import type { OpenSSHOptions } from '../core/options';
import { UsageError } from './exit-codes';

/**
 * Connects to `targets` (`concurrency` masters at a time, and as many commands at once); starts at once. `extra`:
 * further fleet options (`retries`, `retryDelay`).
 */
export const openFleet = (
  targets: readonly FleetHost[],
  connection: OpenSSHOptions,
  concurrency: number | undefined,
  extra: Pick<FleetOptions, 'retries' | 'retryDelay'> = {},
): Fleet<OpenSSH> => {
  try {
    return OpenSSH.fleet(targets, {
      options: connection,
      ...(concurrency !== undefined && { concurrency, commandConcurrency: concurrency }),
      ...extra,
    });
  } catch (e) {
    if (isOpenSSHError(e, 'OSSH_INVALID_ARGUMENT')) throw new UsageError(e.message);
    throw e;
  }
};
