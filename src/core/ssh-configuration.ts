// What `ssh -G` says for a connection's destination and options (Net::OpenSSH's default_ssh_configuration),
// parsed into keyword -> values. ssh prints one `keyword value` line per value, keywords in lower case.
import { OpenSSHError } from './errors';
import { masterArgs } from './master-args';
import type { ConnectionSettings } from './options';
import { runLocal } from './run-local';

/** The effective ssh configuration of a connection: `ssh -G` with the options its master uses. */
export interface SshConfiguration {
  /** `ssh -G`'s output as printed. */
  readonly text: string;
  /** Every keyword (lower case, as `ssh -G` prints it) with its values in order; repeated keywords have several. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The host name ssh connects to (`hostname`, after `Host` aliases and `Match` blocks). */
  readonly hostname: string;
  /** The remote user (`user`). */
  readonly user: string;
  /** The remote port (`port`). */
  readonly port: number;
  /** The first value of `keyword` (any case), or undefined. */
  get(keyword: string): string | undefined;
  /** Every value of `keyword` (any case), in order; empty when ssh printed none. */
  getAll(keyword: string): readonly string[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Parses `ssh -G` output. */
export const parseSshConfiguration = (text: string): SshConfiguration => {
  const values = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s?(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const list = values.get(key) ?? [];
    list.push(m[2]!);
    values.set(key, list);
  }
  const getAll = (k: string): readonly string[] => values.get(k.toLowerCase()) ?? [];
  const get = (k: string): string | undefined => getAll(k)[0];
  return {
    text,
    values,
    hostname: get('hostname') ?? '',
    user: get('user') ?? '',
    port: Number(get('port')),
    get,
    getAll,
  };
};

/**
 * Runs `ssh -G` with the arguments the master gets (masterOpts, keyPath, proxy and gateway options, `-S`, user,
 * port), stdin from /dev/null, bounded by the connection's `timeout` (10 s without one). No master is needed and
 * nothing connects. Fails with OSSH_SLAVE_FAILED when ssh refuses the destination or the options.
 */
export const sshConfiguration = async (
  s: ConnectionSettings,
  ctlPath: string | undefined,
): Promise<SshConfiguration> => {
  const args = masterArgs(s, ctlPath ?? 'none');
  const timeoutMs = s.timeout ? s.timeout * 1000 : DEFAULT_TIMEOUT_MS;
  const r = await runLocal(s.sshCmd, ['-G', ...args], timeoutMs);
  if (r.error || r.code !== 0) {
    const said = r.stderr.trim().split('\n').pop();
    const why =
      r.error?.message ??
      (r.signal ? `ssh -G did not answer within ${timeoutMs} ms` : said || `ssh -G exited with code ${r.code}`);
    throw new OpenSSHError('OSSH_SLAVE_FAILED', `unable to read the ssh configuration: ${why}`, { host: s.dest.host });
  }
  return parseSshConfiguration(r.stdout);
};
