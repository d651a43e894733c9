// Host ranges as pssh and SSH::Batch users write them: `web[01-20].example.com` (zero padding kept),
// `db[1-3,7]`, several ranges in one name (every combination, in order). A bracket group holding a `:` is
// an IPv6 address (`[::1]:22`), never a range; a password (`user:pass@host`) is never looked into.
import { passwordRange, redactPassword } from '../core/destination';
import { invalidArgument } from '../core/errors';

/** Hosts ranges may expand to unless the caller allows more (`maxHosts`, `--max-hosts`). */
export const DEFAULT_MAX_HOSTS = 1000;

/** One part of a group (`7`, `01-20`): its bounds and the width it is padded to (0: none). */
interface Part {
  from: number;
  to: number;
  width: number;
}

/** A parsed pattern: its groups (where each stands, its parts) and how many names it stands for. */
interface Parsed {
  groups: Array<{ start: number; end: number; parts: Part[] }>;
  total: number;
}

/** A pattern as messages quote it: its password (if any) as [secret]. */
const shown = (pattern: string): string => JSON.stringify(redactPassword(pattern));

const PART = /^(\d+)(?:-(\d+))?$/;
const bad = (pattern: string, why: string) => invalidArgument(`bad host range in ${shown(pattern)}: ${why}`);

/** One part: padded to the wider bound when a bound has a leading zero (`01-20`). */
const partOf = (part: string, pattern: string): Part => {
  const m = PART.exec(part.trim());
  if (!m) throw bad(pattern, `[${part}] is not a number or a range such as 1-20 (ranges are numeric only)`);
  const lo = m[1]!;
  const hi = m[2] ?? lo;
  const from = Number(lo);
  const to = Number(hi);
  if (to < from) throw bad(pattern, `${part.trim()} goes down (write ${hi}-${lo})`);
  const padded = (lo.length > 1 && lo.startsWith('0')) || (hi.length > 1 && hi.startsWith('0'));
  return { from, to, width: padded ? Math.max(lo.length, hi.length) : 0 };
};

/** The bracket groups of `pattern` outside its password; throws on an unbalanced bracket. */
const groupsOf = (pattern: string): Array<{ start: number; end: number; body: string }> => {
  const secret = passwordRange(pattern);
  const groups: Array<{ start: number; end: number; body: string }> = [];
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (secret && i >= secret.start && i < secret.end) continue;
    const c = pattern[i];
    if (c === '[') {
      if (open >= 0) throw bad(pattern, 'a [ inside a range');
      open = i;
    } else if (c === ']') {
      if (open < 0) throw bad(pattern, '] without [');
      groups.push({ start: open, end: i + 1, body: pattern.slice(open + 1, i) });
      open = -1;
    }
  }
  if (open >= 0) throw bad(pattern, '[ without ]');
  // an IPv6 address in brackets is part of the destination
  return groups.filter((g) => !g.body.includes(':'));
};

/** Parses `pattern`'s ranges without building any name. */
const parse = (pattern: string): Parsed => {
  let total = 1;
  const groups = groupsOf(pattern).map((g) => {
    if (g.body.trim() === '') throw bad(pattern, 'empty []');
    const parts = g.body.split(',').map((p) => partOf(p, pattern));
    total *= parts.reduce((n, p) => n + p.to - p.from + 1, 0);
    return { start: g.start, end: g.end, parts };
  });
  return { groups, total };
};

const tooMany = (what: string, total: number, maxHosts: number) =>
  invalidArgument(
    `${what} expand${what.startsWith('host range ') ? 's' : ''} to ${total} hosts, more than the limit of ` +
      `${maxHosts}; raise the limit (maxHosts, --max-hosts) if that is meant`,
  );

/** Builds the names of a parsed pattern, in order (the last range varies fastest). */
const build = (pattern: string, { groups }: Parsed): string[] => {
  let names = [''];
  let at = 0;
  for (const g of groups) {
    const before = pattern.slice(at, g.start);
    const values = g.parts.flatMap((p) =>
      Array.from({ length: p.to - p.from + 1 }, (_, k) => String(p.from + k).padStart(p.width, '0')),
    );
    names = names.flatMap((n) => values.map((v) => n + before + v));
    at = g.end;
  }
  const rest = pattern.slice(at);
  return names.map((n) => n + rest);
};

/** Whether `pattern` holds a host range (a bracket group that is not an IPv6 address, or a stray bracket). */
export const hasHostRange = (pattern: string): boolean => {
  try {
    return groupsOf(pattern).length > 0;
  } catch {
    return true; // a malformed one: expanding it says what is wrong
  }
};

/**
 * Expands the host ranges of one destination: `web[01-03]` is `web01`, `web02`, `web03`; `db[1-3,7]` is `db1`,
 * `db2`, `db3`, `db7`; `r[1-2]n[1-2]` is `r1n1`, `r1n2`, `r2n1`, `r2n2`. A name without a range is returned
 * alone. Throws OSSH_INVALID_ARGUMENT for a malformed range (`[3-1]`, `[a-c]`, `[1-3`) or one that expands to more
 * than `maxHosts` names (counted before any is built).
 */
export const expandHostRange = (pattern: string, maxHosts: number = DEFAULT_MAX_HOSTS): string[] => {
  const parsed = parse(pattern);
  if (parsed.groups.length === 0) return [pattern];
  if (parsed.total > maxHosts) throw tooMany(`host range ${shown(pattern)}`, parsed.total, maxHosts);
  return build(pattern, parsed);
};

/**
 * Expands every pattern of a host list, in order; the names of all ranges together may not exceed `maxHosts`
 * (names given without a range do not count). Throws OSSH_INVALID_ARGUMENT as {@link expandHostRange} does.
 */
export const expandHostRanges = (patterns: readonly string[], maxHosts: number = DEFAULT_MAX_HOSTS): string[] => {
  const parsed = patterns.map((p) => ({ p, parsed: parse(p) }));
  const ranged = parsed.filter((x) => x.parsed.groups.length > 0);
  if (ranged.length > 1) {
    const total = ranged.reduce((n, x) => n + x.parsed.total, 0);
    if (total > maxHosts) throw tooMany('the host ranges together', total, maxHosts);
  }
  return parsed.flatMap(({ p, parsed: x }) => {
    if (x.groups.length === 0) return [p];
    if (x.total > maxHosts) throw tooMany(`host range ${shown(p)}`, x.total, maxHosts);
    return build(p, x);
  });
};
