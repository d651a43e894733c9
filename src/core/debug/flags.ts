// Net::OpenSSH's debug bits ($Net::OpenSSH::debug), by number and by name, and the parser for the
// NET_OPENSSH_DEBUG environment variable and for OpenSSH.debug assignments.
import { invalidArgument } from '../errors';

/** The debug subsystems: Net::OpenSSH's bit values. */
export const DEBUG_FLAGS = {
  /** errors set on a connection */
  errors: 1,
  /** control path choice and ctlDir safety checks */
  ctlPath: 2,
  /** connecting: state changes, prompts seen and answered (never the answer) */
  connect: 4,
  /** argv of every ssh process we start */
  args: 8,
  /** command execution: channels opened, how they ended */
  exec: 16,
  /** destruction: disconnect, master killing */
  destroy: 32,
  /** the I/O loop: bytes moved per stream */
  io: 64,
  /** hexdumps of that I/O (needs io) */
  hexdump: 128,
} as const;

/** A debug subsystem name. */
export type DebugFlagName = keyof typeof DEBUG_FLAGS;

/** What `OpenSSH.debug` accepts: a bitmask, `true`/`'all'`, a flag name, a list of names, or a comma list. */
export type DebugSetting = number | boolean | string | readonly DebugFlagName[];

const ALL = Object.values(DEBUG_FLAGS).reduce((a, b) => a | b, 0);

/** The bitmask for a setting; throws OSSH_INVALID_ARGUMENT for unknown names. */
export const parseDebug = (v: DebugSetting | undefined): number => {
  if (v === undefined || v === false || v === '') return 0;
  if (v === true) return ALL;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0)
      throw invalidArgument('Expected OpenSSH.debug to be a non-negative integer bitmask', v);
    return v;
  }
  const names = typeof v === 'string' ? v.split(/[\s,|]+/).filter(Boolean) : [...v];
  let mask = 0;
  for (const n of names) {
    if (/^\d+$/.test(n)) mask |= Number(n);
    else if (n === 'all' || n === '-1') mask |= ALL;
    else if (n in DEBUG_FLAGS) mask |= DEBUG_FLAGS[n as DebugFlagName];
    else
      throw invalidArgument(
        `unknown debug flag '${n}' (known: all, ${Object.keys(DEBUG_FLAGS).join(', ')}, or a number)`,
      );
  }
  return mask;
};

/** The flag names set in a mask, for display. */
export const debugNames = (mask: number): DebugFlagName[] =>
  (Object.keys(DEBUG_FLAGS) as DebugFlagName[]).filter((n) => (mask & DEBUG_FLAGS[n]) !== 0);
