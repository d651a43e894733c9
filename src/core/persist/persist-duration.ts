// The `persist` option: how long a persistent master outlives its last user, in OpenSSH's time format.
import { invalidArgument } from '../errors';

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const TIME = /^(?:\d+[smhdw]?)+$/i;

/**
 * `persist` as whole seconds for `ControlPersist`, or undefined when off (`false`, the default).
 * Accepts seconds as a positive integer, or OpenSSH's time format: `'90s'`, `'10m'`, `'1h30m'`, `'2d'`, `'1w'`.
 */
export const parsePersist = (v: unknown): number | undefined => {
  if (v === undefined || v === false) return undefined;
  const bad = () =>
    invalidArgument(
      "Expected `persist` to be false, a positive whole number of seconds, or a duration such as '90s', '10m', '1h30m'",
      v,
    );
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1) throw bad();
    return v;
  }
  if (typeof v !== 'string' || !TIME.test(v.trim())) throw bad();
  let seconds = 0;
  for (const [, n, unit] of v.trim().matchAll(/(\d+)([smhdw]?)/gi))
    seconds += Number(n) * UNIT_SECONDS[unit!.toLowerCase()]!;
  if (seconds < 1 || !Number.isSafeInteger(seconds)) throw bad();
  return seconds;
};
