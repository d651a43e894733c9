// Quoting for a command that passes through several parsers, e.g. 'MSCmd,MSWin': cmd.exe first, then the
// program's own argv splitting. Named outermost first, so the last-named quoter is applied first.
import type { Quoter } from './quoter';

/**
 * Composes quoters named outermost first (Net::OpenSSH's Chain): `quote` applies the last one first,
 * `quoteGlob` uses the last one's quoteGlob and then the others' quote, and the redirection fragments
 * come from the first (outermost) one, the shell that parses them.
 *
 * `chain([mscmd, mswin]).quote('a "b"')` → `^"a \^"b\^"^"`
 */
export const chain = (quoters: readonly Quoter[]): Quoter => {
  const [outermost] = quoters;
  if (outermost === undefined) throw new TypeError('Expected at least one quoter to chain, got none');
  const inner = [...quoters].reverse();
  const [first, ...rest] = inner as [Quoter, ...Quoter[]];
  const wrap = (text: string): string => rest.reduce((s, q) => q.quote(s), text);
  return {
    name: quoters.map((q) => q.name).join(','),
    quote: (arg) => wrap(first.quote(arg)),
    quoteGlob: (arg) => wrap(first.quoteGlob(arg)),
    fragments: outermost.fragments,
  };
};
