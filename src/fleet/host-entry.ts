// A fleet's hosts as connections: one each, made by the fleet's factory (not yet connected), with a unique
// label and a settle-once promise that says whether its master came up.
import type { ConnectionFactory, FleetConnection } from '../conn';
import { invalidArgument, type OpenSSHError } from '../core/errors';
import type { OpenSSHOptions } from '../core/options';
import { HostGate } from './host-gate';
import { expandHostRange, expandHostRanges, hasHostRange } from './host-range';
import type { FleetHost } from './types';

/** One host of the fleet. `ready` resolves (never rejects) with undefined when its master runs, else with the error. */
export interface HostEntry<C extends FleetConnection = FleetConnection> {
  readonly label: string;
  readonly ssh: C;
  readonly ready: Promise<OpenSSHError | undefined>;
  /** Settles `ready` (the first call wins). */
  settle(error: OpenSSHError | undefined): void;
  readonly settled: boolean;
  /** Connection attempts made so far (1, more when the retry policy acted). */
  attempts: number;
  /** Lets this host's commands in at most `hostConcurrency` at a time, across the fleet's runs. */
  readonly gate: HostGate;
}

const entryOf = <C extends FleetConnection>(label: string, ssh: C, hostConcurrency: number): HostEntry<C> => {
  let resolve!: (e: OpenSSHError | undefined) => void;
  const ready = new Promise<OpenSSHError | undefined>((r) => (resolve = r));
  let settled = false;
  return {
    label,
    ssh,
    ready,
    attempts: 1,
    gate: new HostGate(hostConcurrency),
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

/** The range pattern of a host (a string, or an unnamed `{destination}`), if it holds one. */
const rangeOf = (h: FleetHost): string | undefined => {
  const d = typeof h === 'string' ? h : typeof h === 'object' && h !== null ? h.destination : undefined;
  return typeof d === 'string' && hasHostRange(d) ? d : undefined;
};

/**
 * The hosts with their ranges expanded in place (`web[01-20]`, `db[1-3,7]`): a string becomes strings, an unnamed
 * `{destination, options}` becomes one per name with the same options. A named host cannot be a range. The names
 * of all ranges together may not exceed `maxHosts`.
 */
const expandHosts = (hosts: readonly FleetHost[], maxHosts: number): FleetHost[] => {
  const patterns = hosts.flatMap((h) => rangeOf(h) ?? []);
  if (patterns.length === 0) return [...hosts];
  expandHostRanges(patterns, maxHosts); // checks every range, and the total, before anything is built
  return hosts.flatMap((h, i) => {
    const pattern = rangeOf(h);
    if (pattern === undefined) return [h];
    if (typeof h === 'string') return expandHostRange(pattern, maxHosts);
    if (h.name !== undefined)
      throw invalidArgument(
        `fleet host #${i} has a \`name\` and a host range (${pattern}): one name cannot label many`,
      );
    return expandHostRange(pattern, maxHosts).map((destination) => ({ ...h, destination }));
  });
};

/**
 * Builds the connections (none started: the fleet starts them at its own pace), host ranges expanded (at most
 * `maxHosts` names from ranges). Throws OSSH_INVALID_ARGUMENT for bad hosts.
 */
export const hostEntries = <C extends FleetConnection>(
  given: readonly FleetHost[],
  defaults: OpenSSHOptions,
  factory: ConnectionFactory<C>,
  maxHosts: number,
  hostConcurrency: number,
): HostEntry<C>[] => {
  if (!Array.isArray(given) || given.length === 0)
    throw invalidArgument(
      'Expected fleet hosts to be a non-empty array of destinations or { destination, options }',
      given,
    );
  const hosts = expandHosts(given, maxHosts);
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
    return entryOf(label, ssh, hostConcurrency);
  });
};
