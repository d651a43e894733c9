// Local wildcard expansion for scpPut/rsyncPut with `glob` (Net::OpenSSH uses bsd_glob there). Node 20 has
// no fs.glob, and a dependency for this much is not worth it: `*`, `?`, `[...]` and `\` escapes, per segment.
import { readdirSync, statSync } from 'node:fs';

/** How local patterns are expanded (Net::OpenSSH's glob_flags, as named options). */
export interface GlobFlags {
  /** Wildcards also match names starting with `.`. @default false */
  dot?: boolean;
  /** Match case-insensitively. @default false */
  nocase?: boolean;
  /** A pattern that matches nothing stands for itself (GLOB_NOCHECK) instead of being an error. @default false */
  nocheck?: boolean;
}

const MAGIC = /(^|[^\\])[*?[]/;

/** Whether `s` contains an unescaped wildcard. */
export const hasWildcard = (s: string): boolean => MAGIC.test(s);

const unescapeGlob = (s: string): string => s.replace(/\\(.)/gs, '$1');

/** One path segment's pattern as an anchored RegExp. */
const segmentRegExp = (seg: string, nocase: boolean): RegExp => {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) re += `\\u{${seg.codePointAt(++i)!.toString(16)}}`;
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        const neg = body[0] === '!' || body[0] === '^';
        if (neg) body = body.slice(1);
        re += `[${neg ? '^' : ''}${body.replace(/[\]\\^]/g, (x) => `\\${x}`)}]`;
        i = end;
      }
    } else re += `\\u{${c.codePointAt(0)!.toString(16)}}`;
  }
  return new RegExp(`^${re}$`, `su${nocase ? 'i' : ''}`);
};

const exists = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Expands `pattern` against the local file system; sorted matches, [] when none (or [pattern] with nocheck). */
export const localGlob = (pattern: string, flags: GlobFlags = {}): string[] => {
  if (!hasWildcard(pattern)) {
    const p = unescapeGlob(pattern);
    return exists(p) || flags.nocheck ? [p] : [];
  }
  const absolute = pattern.startsWith('/');
  const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? '/' : ''];
  for (const [i, seg] of segs.entries()) {
    if (seg === '' && i === 0) continue;
    const next: string[] = [];
    for (const base of bases) {
      const join = (name: string) => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
      if (!hasWildcard(seg)) {
        next.push(join(unescapeGlob(seg)));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      const re = segmentRegExp(seg, flags.nocase ?? false);
      for (const n of names)
        if ((flags.dot || !n.startsWith('.') || seg.startsWith('.')) && re.test(n)) next.push(join(n));
    }
    bases = next;
  }
  const found = bases.filter(exists).sort();
  return found.length || !flags.nocheck ? found : [pattern];
};
