// Net::OpenSSH's destination forms: host, user@host, user@host:port, user:password@host,
// [::1]:2222, user@[2001:db8::1]:22, a bare IPv6 address. Parsing is strict: a destination can never
// smuggle an ssh option or a second word into the argv.
import { invalidArgument } from './errors';

/** A parsed destination. */
export interface Destination {
  /** The user (`user@host`), if the string names one. */
  user?: string | undefined;
  /** The password (`user:password@host`), if the string holds one. */
  password?: string | undefined;
  /** The host name or address, without brackets. */
  host: string;
  /** The port (`host:port`), if the string names one. */
  port?: number | undefined;
  /** The host as ssh/scp/rsync want it in `host:path`: IPv6 addresses in brackets. */
  hostSquared: string;
  /** Whether the host is an IPv6 address. */
  ipv6: boolean;
}

const BAD_CHARS = /[\s\x00-\x1f\x7f]/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/;

/** Validates a user name (from the destination or the `user` option). */
export const checkUser = (user: string, what = '`user`'): string => {
  if (user === '') throw invalidArgument(`${what} must not be empty`);
  if (BAD_CHARS.test(user)) throw invalidArgument(`${what} must not contain spaces or control characters`, user);
  if (user.startsWith('-'))
    throw invalidArgument(`${what} must not begin with "-" (it would read as an ssh option)`, user);
  return user;
};

/** Validates a port (number or decimal string) and returns it as a number. */
export const checkPort = (port: unknown, what = '`port`'): number => {
  const n = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw invalidArgument(`${what} must be an integer from 1 to 65535`, port);
  return n;
};

const checkHost = (host: string, dest: string): string => {
  if (host === '') throw invalidArgument('the destination has no host name', dest);
  if (BAD_CHARS.test(host)) throw invalidArgument('the host name must not contain spaces or control characters', dest);
  if (host.startsWith('-'))
    throw invalidArgument('the host name must not begin with "-" (it would read as an ssh option)', dest);
  if (/[[\]@/\\'"`$;&|<>()]/.test(host))
    throw invalidArgument('the host name contains a character no host name has', dest);
  return host;
};

/** Parses a destination string; throws OSSH_INVALID_ARGUMENT naming the problem. */
export const parseDestination = (dest: unknown): Destination => {
  if (typeof dest !== 'string')
    throw invalidArgument('Expected the destination to be a string such as "user@host:22"', dest);
  const text = dest.trim();
  if (text === '') throw invalidArgument('the destination is empty');
  // user (may itself contain "@": the last "@" splits) and password (after the first ":" of the user part)
  const at = text.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = text.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = checkUser(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'the user in the destination');
    if (colon >= 0) password = userinfo.slice(colon + 1);
  }
  const hostport = text.slice(at + 1);
  let host: string;
  let port: number | undefined;
  let ipv6 = false;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw invalidArgument('the destination has "[" without a closing "]"', dest);
    host = hostport.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':')) throw invalidArgument('only IPv6 addresses go inside [ ]', dest);
    ipv6 = true;
    const rest = hostport.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw invalidArgument('unexpected text after "]" in the destination', dest);
      port = checkPort(rest.slice(1), 'the port in the destination');
    }
  } else if ((hostport.match(/:/g) ?? []).length >= 2) {
    if (!IPV6.test(hostport)) throw invalidArgument('the destination is neither host:port nor an IPv6 address', dest);
    host = hostport;
    ipv6 = true;
  } else {
    const colon = hostport.indexOf(':');
    host = colon >= 0 ? hostport.slice(0, colon) : hostport;
    if (colon >= 0) port = checkPort(hostport.slice(colon + 1), 'the port in the destination');
  }
  checkHost(host, dest);
  return { user, password, host, port, ipv6, hostSquared: ipv6 ? `[${host}]` : host };
};

/**
 * Where the password of `user:password@host` sits in `text`, read as {@link parseDestination} reads it (the last
 * `@` ends the user part, its first `:` starts the password), even when the rest is malformed; or undefined.
 */
export const passwordRange = (text: string): { start: number; end: number } | undefined => {
  const at = text.lastIndexOf('@');
  const colon = at < 0 ? -1 : text.slice(0, at).indexOf(':');
  return colon < 0 ? undefined : { start: colon + 1, end: at };
};

/** `text` with the password of `user:password@host` (see {@link passwordRange}) shown as `[secret]`. */
export const redactPassword = (text: string): string => {
  const r = passwordRange(text);
  return r ? `${text.slice(0, r.start)}[secret]${text.slice(r.end)}` : text;
};

/** The destination for messages and logs: never shows the password. */
export const displayDestination = (d: Pick<Destination, 'user' | 'hostSquared' | 'port'>): string =>
  `${d.user ? `${d.user}@` : ''}${d.hostSquared}${d.port ? `:${d.port}` : ''}`;
