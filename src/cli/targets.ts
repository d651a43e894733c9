// The hosts of a run, from `-H` and `-h` together, each labelled as the user wrote it (so an
// ~/.ssh/config alias shows as the alias), and each listed once.
import type { FleetHost } from '../fleet/types';
import { scrubSecrets } from '../core/debug/scrub';
import { parseDestination, passwordRange, redactPassword } from '../core/destination';
import { isOpenSSHError } from '../core/errors';
import { DEFAULT_MAX_HOSTS, expandHostRanges } from '../fleet/host-range';
import { UsageError } from './exit-codes';
import { readHostsFile } from './hosts-file';

/** Host ranges (`web[01-20]`, `db[1-3,7]`) expanded, at most `maxHosts` names from them; bad ones are usage errors. */
const expand = (given: readonly string[], maxHosts: number): string[] => {
  try {
    return expandHostRanges(given, maxHosts);
  } catch (e) {
    if (isOpenSSHError(e, 'OSSH_INVALID_ARGUMENT')) throw new UsageError(e.message);
    throw e;
  }
};

/**
 * `-H` hosts and `-h` hosts files as fleet hosts, in order: `-H` first, then each file; host ranges in either are
 * expanded (all of them together at most `maxHosts` names, `--max-hosts`).
 */
export const resolveTargets = (
  hosts: readonly string[] = [],
  hostsFiles: readonly string[] = [],
  maxHosts: number = DEFAULT_MAX_HOSTS,
): FleetHost[] => {
  const all = expand([...hosts, ...hostsFiles.flatMap(readHostsFile)], maxHosts);
  if (all.length === 0) throw new UsageError('no hosts: give -H host1,host2 or -h hostsfile');
  const seen = new Set<string>();
  return all.map((destination) => {
    // messages show the destination with its password as [secret], and the library's scrubber takes it out of
    // whatever else a message quotes (parseDestination's own complaint quotes the whole string)
    const shown = redactPassword(destination);
    if (seen.has(destination)) throw new UsageError(`host ${shown} is listed twice`);
    seen.add(destination);
    let password: string | undefined;
    try {
      password = parseDestination(destination).password;
    } catch (e) {
      const r = passwordRange(destination);
      const secret = r ? [destination.slice(r.start, r.end)] : [];
      throw new UsageError(`bad destination ${JSON.stringify(shown)}: ${scrubSecrets((e as Error).message, secret)}`);
    }
    // a password never becomes a label: the fleet's own label (user@host:port) is used then
    return password === undefined ? { destination, name: destination } : { destination };
  });
};
