// Net::OpenSSH's calling convention `(\%opts?, @rest)`: one rule for every method of what counts as the
// leading options object, so commands, paths and tunnel targets agree.
import { isGlob, isRaw } from '../quoting/quoter';

/** A call's options object: a plain object, not an argument (an array, bytes, or a raw()/glob() marker). */
export const isOptionsObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isRaw(v) && !isGlob(v);

/** Splits off the leading options object; `{}` when the call gives none. */
export const splitLeadingOptions = <O extends object = Record<string, unknown>>(
  args: readonly unknown[],
): [O, unknown[]] => {
  const [first, ...rest] = args;
  return isOptionsObject(first) ? [first as O, rest] : [{} as O, [...args]];
};
