// Option values from the command line, checked as they are parsed: commander reports a bad one with
// the option's name and exits with the usage status before anything connects.
import { InvalidArgumentError } from 'commander';

/** `--concurrency 8`: an integer ≥ 1. */
export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
};

/** `--retries 2`: an integer ≥ 0. */
export const count = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
};

/** `--timeout 2.5`: a positive number of seconds. */
export const seconds = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
};

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `--persist 10m`: seconds from `90`, `90s`, `10m`, `2h`, `1d`. */
export const duration = (value: string): number => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(value);
  const n = m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : NaN;
  if (!(n > 0)) throw new InvalidArgumentError('expected a duration such as 90s, 10m, 2h or 1d');
  return n;
};

/** Repeatable options (`-o A -o B`) collect into a list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Splits on commas outside `[...]` (a host range's `db[1-3,7]` stays whole); all commas when brackets do not pair. */
const splitHosts = (value: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(value.slice(from, i));
      from = i + 1;
    }
    if (depth < 0 || depth > 1) return value.split(',');
  }
  return depth === 0 ? [...parts, value.slice(from)] : value.split(',');
};

/**
 * `-H a,b -H c` collects `a`, `b`, `c`. Only commas separate (blanks around each name are dropped): a blank
 * inside one stays, so `-H 'u:pass word@h'` keeps its password whole. A comma inside a host range's brackets
 * (`-H 'db[1-3,7]'`) does not separate.
 */
export const hostList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...splitHosts(value)
    .map((h) => h.trim())
    .filter(Boolean),
];

/** `--via scp|rsync|sftp`. */
export const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
