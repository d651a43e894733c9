// A fleet's hosts as connections: one each, made by the fleet's factory (not yet connected), with a unique
// label and a settle-once promise that says whether its master came up.
import type { ConnectionFactory, FleetConnection } from '../conn';
import { invalidArgument, type OpenSSHError } from '../core/errors';
import type { OpenSSHOptions } from '../core/options';
import type { FleetHost } from './types';

/** One host of the fleet. `ready` resolves (never rejects) with undefined when its master runs, else with the error. */
export interface HostEntry<C extends FleetConnection = FleetConnection> {
  readonly label: string;
  readonly ssh: C;
  readonly ready: Promise<OpenSSHError | undefined>;
  /** Settles `ready` (the first call wins). */
  settle(error: OpenSSHError | undefined): void;
  readonly settled: boolean;
}

const entryOf = <C extends FleetConnection>(label: string, ssh: C): HostEntry<C> => {
  let resolve!: (e: OpenSSHError | undefined) => void;
  const ready = new Promise<OpenSSHError | undefined>((r) => (resolve = r));
  let settled = false;
  return {
    label,
    ssh,
    ready,
    settle(error) {
      if (settled) return;
      settled = true;
      resolve(error);
    },
    get settled() {
      return settled;
    },
  };
};

/**
 * Builds the connections (none started: the fleet starts them at its own pace). Throws OSSH_INVALID_ARGUMENT for bad
 * hosts.
 */
export const hostEntries = <C extends FleetConnection>(
  hosts: readonly FleetHost[],
  defaults: OpenSSHOptions,
  factory: ConnectionFactory<C>,
): HostEntry<C>[] => {
  if (!Array.isArray(hosts) || hosts.length === 0)
    throw invalidArgument(
      'Expected fleet hosts to be a non-empty array of destinations or { destination, options }',
      hosts,
    );
  const seen = new Set<string>();
  return hosts.map((h, i) => {
    const given = typeof h === 'string' ? { destination: h } : h;
    if (typeof given !== 'object' || given === null || typeof given.destination !== 'string')
      throw invalidArgument(
        `Expected fleet host #${i} to be a destination string or { destination, options, name }`,
        h,
      );
    if (given.name !== undefined && (typeof given.name !== 'string' || given.name === ''))
      throw invalidArgument(`Expected the name of fleet host #${i} to be a non-empty string`, given.name);
    // connect: false: the fleet starts masters itself, `concurrency` at a time
    const ssh = factory(given.destination, { ...defaults, ...given.options, connect: false });
    const label = given.name ?? ssh.toString();
    if (seen.has(label))
      throw invalidArgument(`fleet host #${i} (${label}) is listed twice; give each a distinct \`name\``);
    seen.add(label);
    return entryOf(label, ssh);
  });
};
