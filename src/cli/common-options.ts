// The options every many-host command takes (hosts, ssh settings, concurrency, --json), declared once
// so that run, put and get spell and check them alike.
import { Option, type Command } from 'commander';
import type { FleetHost } from '../fleet/types';
import type { OpenSSHOptions } from '../core/options';
import { collect, hostList, positiveInt, seconds } from './args';
import { connectionOptions, type ConnectionFlags } from './connection-options';
import { resolveTargets } from './targets';

/** The common options as commander parses them. */
export interface CommonFlags extends ConnectionFlags {
  hosts?: string[];
  hostsFile?: string[];
  concurrency?: number;
  maxHosts?: number;
  json?: boolean;
}

/** What the common options come to: the hosts, their connection options, the concurrency. */
export interface CommonSettings {
  targets: FleetHost[];
  connection: OpenSSHOptions;
  concurrency: number | undefined;
  json: boolean;
}

/** Adds the common options to `cmd` (`-h` is the hosts file, so help is `--help` only). */
export const addCommonOptions = (cmd: Command): Command =>
  cmd
    .helpOption('--help', 'show this help')
    .option(
      '-H, --hosts <hosts>',
      'destinations, comma-separated (repeatable): host, user@host:port, an ~/.ssh/config alias, a range: ' +
        "'web[01-20]', 'db[1-3,7]'",
      hostList,
    )
    .option(
      '-h, --hosts-file <file>',
      'a file with one destination per line (# comments, blank lines); repeatable',
      collect,
    )
    .option(
      '--max-hosts <n>',
      'the most hosts that host ranges (web[01-20], db[1-3,7]) may expand to, all together (default 1000)',
      positiveInt,
    )
    .option('-p, --concurrency <n>', 'hosts connecting and working at once (default 20)', positiveInt)
    .option(
      '-t, --timeout <seconds>',
      'seconds to connect, and seconds a host may stay silent before it is ended',
      seconds,
    )
    .option('-u, --user <user>', 'remote user where the destination names none')
    .option('-i, --identity <key>', 'private key file (ssh -i)')
    .option('-o, --ssh-option <option>', 'an ssh option, as ssh -o takes it (repeatable)', collect)
    .addOption(new Option('-F, --config <file>', 'ssh config file in place of ~/.ssh/config (ssh -F)'))
    .option('--json', 'one JSON object per event per line on stdout, nothing else');

/** Reads the common options (throws UsageError for missing or bad hosts). */
export const commonSettings = (f: CommonFlags): CommonSettings => ({
  targets: resolveTargets(f.hosts, f.hostsFile, f.maxHosts),
  connection: connectionOptions(f),
  concurrency: f.concurrency,
  json: f.json === true,
});
