// Hosts files as pssh and friends know them: one destination per line, `#` comments, blank lines.
// Each destination goes to the real ssh, so ~/.ssh/config aliases work as they do for `ssh`.
import { readFileSync } from 'node:fs';
import { parseDestination, passwordRange, redactPassword } from '../core/destination';
import { UsageError } from './exit-codes';

/** Whether `text` is one destination: no blank outside its password, and it parses. */
const isDestination = (text: string): boolean => {
  const r = passwordRange(text);
  if (/\s/.test(r ? text.slice(0, r.start) + text.slice(r.end) : text)) return false;
  try {
    parseDestination(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The destination on one line, or undefined for a blank or comment line. `#` starts a comment at the start
 * of the line or after a blank; as a password may hold ` #` too, the first cut that leaves one valid
 * destination is taken (`u:pa #ss@h # note` is `u:pa #ss@h`). A line that is one word is returned as it is,
 * for the caller to judge; a line of several words that is no destination however cut throws, redacted.
 */
const lineDestination = (raw: string, where: string): string | undefined => {
  const whole = raw.trim();
  const cuts = [...raw.matchAll(/(^|\s)#/g)].map((m) => raw.slice(0, m.index).trim());
  if (whole === '' || cuts[0] === '') return undefined;
  if (!/\s/.test(whole)) return whole;
  const fit = [...cuts, whole].find((c) => c !== '' && isDestination(c));
  if (fit !== undefined) return fit;
  throw new UsageError(`${where}: expected one destination per line, got ${JSON.stringify(redactPassword(whole))}`);
};

/** The destinations in a hosts file's text; `source` names it in errors (`hosts.txt:3`). */
export const parseHosts = (text: string, source: string): string[] =>
  text.split(/\r?\n/).flatMap((raw, i) => lineDestination(raw, `${source}:${i + 1}`) ?? []);

/** Reads a hosts file; a missing or unreadable file is a UsageError naming it. */
export const readHostsFile = (path: string): string[] => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read hosts file ${path}: ${(e as Error).message}`);
  }
  return parseHosts(text, path);
};
