// One throwaway sshd seen as several hosts: an ssh_config with a Host alias per name, each reaching the
// same sshd from its own loopback address (BindAddress 127.0.0.N), so that a remote command can tell the
// "hosts" apart by $SSH_CONNECTION. An alias may point at another port (a closed one: an unreachable host).
import { readFileSync, writeFileSync } from 'node:fs';
import type { ThrowawaySshd } from './throwaway-sshd';

/** One alias: its name, the local address it connects from, and optionally another port. */
export interface HostAlias {
  name: string;
  /** Client address (BindAddress), e.g. `127.0.0.2`. */
  from: string;
  /** @default the sshd's port */
  port?: number;
}

/** Writes `path`: the aliases, then the sshd's own client settings (pinned known_hosts, key) for every host. */
export const writeHostAliases = (
  sshd: Pick<ThrowawaySshd, 'port' | 'user' | 'configPath'>,
  aliases: readonly HostAlias[],
  path: string,
): string => {
  const blocks = aliases.map((a) =>
    [
      `Host ${a.name}`,
      '  HostName 127.0.0.1',
      `  Port ${a.port ?? sshd.port}`,
      `  User ${sshd.user}`,
      `  BindAddress ${a.from}`,
      '',
    ].join('\n'),
  );
  writeFileSync(path, [...blocks, readFileSync(sshd.configPath, 'utf8')].join('\n'));
  return path;
};
