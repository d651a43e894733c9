// Small shared validators for option objects. Bad input is a programmer error: thrown at once.
import { encodeCommandLine } from '../quoting/encoding';
import { invalidArgument, unknownOptions } from './errors';

/** Copies `raw` into a null-prototype object, rejecting keys not in `known` (undefined values are ignored). */
export const pickKnown = <T extends object>(raw: unknown, known: ReadonlySet<string>, where: string): Partial<T> => {
  if (raw === undefined || raw === null) return Object.create(null);
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidArgument(`Expected the ${where} options to be an object`, raw);
  const out = Object.create(null);
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (!known.has(k)) unknown.push(k);
    else out[k] = v;
  }
  if (unknown.length) throw unknownOptions(where, unknown);
  return out;
};

export const assertBoolean = (name: string, v: unknown): boolean | undefined => {
  if (v !== undefined && typeof v !== 'boolean') throw invalidArgument(`Expected \`${name}\` to be a boolean`, v);
  return v as boolean | undefined;
};

export const assertString = (name: string, v: unknown, { nonEmpty = true } = {}): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (nonEmpty && v === ''))
    throw invalidArgument(`Expected \`${name}\` to be a non-empty string`, v);
  if (v.includes('\0')) throw invalidArgument(`\`${name}\` must not contain a NUL byte`);
  return v;
};

/** A duration in seconds: a positive finite number. */
export const assertSeconds = (name: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw invalidArgument(`Expected \`${name}\` to be a positive number of seconds`, v);
  return v;
};

/** A timeout in seconds where 0 means none: a call's `timeout` (0 turns the connection's off for that call). */
export const assertTimeout = (name: string, v: unknown): number | undefined => {
  if (v === 0) return 0;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw invalidArgument(`Expected \`${name}\` to be a positive number of seconds, or 0 for no timeout`, v);
  return v;
};

/** A list of ssh arguments: an array of strings, or one string split on whitespace (Net::OpenSSH accepts both). */
export const assertArgList = (name: string, v: unknown): string[] | undefined => {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
    throw invalidArgument(`Expected \`${name}\` to be an array of strings`, v);
  for (const x of list as string[])
    if (x.includes('\0')) throw invalidArgument(`\`${name}\` must not contain a NUL byte`);
  return list as string[];
};

export const assertOneOf = <T extends string>(name: string, v: unknown, allowed: readonly T[]): T | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw invalidArgument(`Expected \`${name}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  return v as T;
};

export const assertPositiveInt = (name: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw invalidArgument(`Expected \`${name}\` to be a positive integer`, v);
  return v;
};

/** An argument encoding (what a remote shell can parse: utf8, latin1, ascii and their aliases). */
export const checkArgumentEncoding = (name: string, v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  try {
    encodeCommandLine('', assertString(name, v));
  } catch {
    throw invalidArgument(
      `Expected \`${name}\` to be an argument encoding: utf8, latin1 or ascii (or utf-8, binary)`,
      v,
    );
  }
  return v as string;
};

/** A text encoding Node can decode (`TextDecoder` labels: utf8, latin1, iso-8859-15, shift_jis, ...). */
export const checkStreamEncoding = (name: string, v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  try {
    new TextDecoder(assertString(name, v));
  } catch {
    throw invalidArgument(`Expected \`${name}\` to be an encoding TextDecoder knows (utf8, latin1, ...)`, v);
  }
  return v as string;
};
