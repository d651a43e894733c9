// Hosts files as pssh and friends know them: one destination per line, `#` comments, blank lines.
// Each destination goes to the real ssh, so ~/.ssh/config aliases work as they do for `ssh`.
import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes';

/** The destinations in a hosts file's text; `source` names it in errors (`hosts.txt:3`). */
export const parseHosts = (text: string, source: string): string[] => {
  const hosts: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim(); // a comment: whole line, or after a space
    if (line === '') return;
    if (/\s/.test(line))
      throw new UsageError(`${source}:${i + 1}: expected one destination per line, got ${JSON.stringify(line)}`);
    hosts.push(line);
  });
  return hosts;
};

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
