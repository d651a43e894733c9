// The hosts of a run, from `-H` and `-h` together, each labelled as the user wrote it (so an
// ~/.ssh/config alias shows as the alias), and each listed once.
import type { FleetHost } from '../fleet/types';
import { scrubSecrets } from '../core/debug/scrub';
import { parseDestination, passwordRange, redactPassword } from '../core/destination';
import { UsageError } from './exit-codes';
import { readHostsFile } from './hosts-file';

/** `-H` hosts and `-h` hosts files as fleet hosts, in order: `-H` first, then each file. */
export const resolveTargets = (hosts: readonly string[] = [], hostsFiles: readonly string[] = []): FleetHost[] => {
  const all = [...hosts, ...hostsFiles.flatMap(readHostsFile)];
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
