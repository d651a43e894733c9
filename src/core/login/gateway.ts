// Net::OpenSSH::Gateway's job, done by ssh itself: jump hosts become ProxyJump (-J), HTTP and SOCKS
// proxies a ProxyCommand through OpenBSD netcat (`nc -X`), a given proxy command is used as is.
import { invalidArgument } from '../errors';

/** How to reach the host (Net::OpenSSH's `gateway`). */
export interface GatewayOptions {
  /**
   * Jump host(s), nearest first: `'user@jump:port'`, `'ssh://user@jump:port'`, or a list. Becomes `-J a,b`;
   * ssh logs into each with your config and keys.
   */
  proxy?: string | string[];
  /**
   * Proxies as URLs, Net::OpenSSH::Gateway's form: `ssh://user@host:port` (a jump host), `http://host:port` (CONNECT),
   * `socks4://host:port`, `socks5://host:port`. At most one non-ssh proxy, last.
   */
  proxies?: string | string[];
  /** A ProxyCommand used as is (`%h`, `%p` expanded by ssh). */
  proxyCommand?: string;
}

const JUMP = /^(?:ssh:\/\/)?(?:[^@\s,/]+@)?(?:\[[0-9a-fA-F:.%\w]+\]|[^@\s,/:[\]]+)(?::\d+)?$/;
const NETCAT = /^(http|socks4|socks5):\/\/([^@\s/:]+|\[[0-9a-fA-F:.]+\]):(\d+)\/?$/;

const list = (v: unknown, name: string): string[] => {
  const items = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (items.some((x) => typeof x !== 'string' || x === '' || x.startsWith('-')))
    throw invalidArgument(`Expected \`gateway.${name}\` to be a host string or a list of them`, v);
  return items as string[];
};

/** Validates a gateway and turns it into master options: `-J hops` and/or `-o ProxyCommand=...`. */
export const gatewayArgs = (g: unknown): string[] => {
  if (g === undefined) return [];
  if (typeof g !== 'object' || g === null || Array.isArray(g))
    throw invalidArgument('Expected `gateway` to be an object ({ proxy, proxies, proxyCommand })', g);
  const o = g as GatewayOptions;
  const extra = Object.keys(o).filter((k) => !['proxy', 'proxies', 'proxyCommand'].includes(k));
  if (extra.length)
    throw invalidArgument(
      `gateway: unknown option${extra.length > 1 ? 's' : ''} ${extra.map((k) => `\`${k}\``).join(', ')}`,
    );
  const hops: string[] = [];
  let command: string | undefined;
  for (const item of [...list(o.proxy, 'proxy'), ...list(o.proxies, 'proxies')]) {
    const nc = NETCAT.exec(item);
    if (nc) {
      if (command !== undefined) throw invalidArgument('gateway: only one HTTP or SOCKS proxy can be used');
      const kind = nc[1] === 'http' ? 'connect' : nc[1] === 'socks4' ? '4' : '5';
      command = `nc -X ${kind} -x ${nc[2]}:${nc[3]} %h %p`;
    } else if (JUMP.test(item)) {
      if (command !== undefined) throw invalidArgument('gateway: a jump host cannot follow an HTTP or SOCKS proxy');
      hops.push(item);
    } else {
      throw invalidArgument(
        'gateway: expected a jump host (user@host:port or ssh://...) or an http://, socks4:// or socks5:// proxy',
        item,
      );
    }
  }
  if (o.proxyCommand !== undefined) {
    if (typeof o.proxyCommand !== 'string' || o.proxyCommand === '')
      throw invalidArgument('Expected `gateway.proxyCommand` to be a string', o.proxyCommand);
    if (command !== undefined || hops.length)
      throw invalidArgument('gateway: give either proxyCommand or proxies, not both');
    command = o.proxyCommand;
  }
  // ssh ignores ProxyCommand when ProxyJump is set (and the reverse): one of them, never both
  if (command !== undefined && hops.length)
    throw invalidArgument(
      'gateway: jump hosts and an HTTP/SOCKS proxy cannot be combined (ssh uses either ProxyJump or ProxyCommand)',
    );
  if (hops.length) return ['-J', hops.join(',')];
  return command === undefined ? [] : ['-o', `ProxyCommand=${command}`];
};
