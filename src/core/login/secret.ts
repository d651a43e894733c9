// A password or passphrase held so that it never prints: console.log, util.inspect, JSON.stringify and
// template strings all show "[secret]". Only the pty login reads the value.
import { inspect } from 'node:util';
import { forgetSecret, rememberSecret } from '../debug/scrub';

const values = new WeakMap<Secret, string>();

/** A secret string. `reveal()` is the only way to the value. */
export class Secret {
  constructor(value: string) {
    values.set(this, value);
    rememberSecret(value);
  }

  /** The value, for writing it to the master's pty. */
  reveal(): string {
    return values.get(this) ?? '';
  }

  /** Stops scrubbing it from debug output (the connection is gone). */
  dispose(): void {
    forgetSecret(values.get(this) ?? '');
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
