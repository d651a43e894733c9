// The package's `fleet(hosts, options)`: the fleet core with OpenSSH connections. The one file that joins the
// two, so that the fleet never imports the OpenSSH class (only src/index.ts imports this file).
import { Fleet as FleetOf, fleet as fleetWith } from './fleet/fleet';
import type { FleetHost, FleetOptions } from './fleet/types';
import { OpenSSH } from './openssh';

export { FleetOf };
export type { ConnectionFactory, FleetConnection } from './conn';

/** A fleet of OpenSSH connections: what `fleet()` and `OpenSSH.fleet()` return; `connection(host)` is an `OpenSSH`. */
export type Fleet = FleetOf<OpenSSH>;
/** The fleet class (for `instanceof`); create one with {@link fleet}. */
export const Fleet = FleetOf;

/**
 * Connects to many hosts, `concurrency` masters at a time, and runs commands on all of them with
 * their output merged and tagged by host. Hosts are destination strings or `{destination, options, name}`.
 * The same as `OpenSSH.fleet(hosts, options)`.
 *
 * ## Example
 *
 * ```ts
 * import { fleet } from 'net-openssh';
 *
 * await using f = fleet(['web1', 'web2', 'deploy@db1:2222'], { options: { batchMode: true, timeout: 10 } });
 * f.lines$('uptime').subscribe((e) => {
 *   if (e.type === 'line') console.log(`${e.host}: ${e.line}`);
 *   else if (!e.result.ok) console.log(`${e.host} failed: ${e.result.error?.message}`);
 * });
 * ```
 */
export const fleet = (hosts: readonly FleetHost[], options: FleetOptions = {}): Fleet =>
  fleetWith(hosts, options, (destination, o) => new OpenSSH(destination, o));
