// Splits a fleet call's `(options?, ...cmd)` into the fleet's own options and those each host's
// exec$ gets (which validates them itself). Bad input throws at once.
import { isOptionsObject } from '../core/leading-options';
import { invalidArgument } from '../core/errors';
import { assertBoolean, assertString } from '../core/validate';
import type { CommonCallOptions, StdinCallOptions, TimeoutCallOptions } from '../core/call-options';
import type { CommandArg } from '../core/remote-command';
import type { FleetErrorPolicy } from './run-policies';
import type { FleetLinesOptions } from './types';

/** What a fleet run needs. */
export interface FleetPlan {
  concurrency: number;
  onError: FleetErrorPolicy;
  /** Seconds, or undefined: no budget. */
  budget: number | undefined;
  signal: AbortSignal | undefined;
  encoding: string;
  stderr: boolean;
  execOptions: CommonCallOptions & StdinCallOptions & TimeoutCallOptions;
  cmd: CommandArg[];
}

/** Validates a concurrency limit: a positive integer (or Infinity, for a limit that may be off). */
export const checkConcurrency = (name: string, v: unknown, fallback: number): number => {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(Number.isInteger(v) || v === Infinity) || v < 1)
    throw invalidArgument(`Expected \`${name}\` to be a positive integer`, v);
  return v;
};

/**
 * The plan of `exec$` / `lines$` / `exec` called with `args`. `lines` allows `encoding` and `stderr` as fleet options.
 */
export const fleetPlan = (args: readonly unknown[], defaultConcurrency: number, lines: boolean): FleetPlan => {
  const [first, ...rest] = args;
  const given = isOptionsObject(first) ? (first as FleetLinesOptions) : {};
  const { concurrency, signal, onError, budget, ...others } = given;
  if (onError !== undefined && onError !== 'continue' && onError !== 'abort')
    throw invalidArgument("Expected `onError` to be 'continue' or 'abort'", onError);
  if (budget !== undefined && !(typeof budget === 'number' && Number.isFinite(budget) && budget > 0))
    throw invalidArgument('Expected `budget` to be a positive number of seconds', budget);
  let encoding: string | undefined;
  let stderr: boolean | undefined;
  let execOptions: Record<string, unknown> = others;
  if (lines) {
    ({ encoding, stderr, ...execOptions } = others);
    assertString('encoding', encoding);
    assertBoolean('stderr', stderr);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalidArgument('Expected `signal` to be an AbortSignal', signal);
  const cmd = (isOptionsObject(first) ? rest : args) as CommandArg[];
  if (cmd.length === 0) throw invalidArgument('a fleet run needs a command');
  return {
    concurrency: checkConcurrency('concurrency', concurrency, defaultConcurrency),
    onError: onError ?? 'continue',
    budget,
    signal,
    encoding: encoding ?? 'utf-8',
    stderr: stderr ?? true,
    execOptions: execOptions as FleetPlan['execOptions'],
    cmd,
  };
};
