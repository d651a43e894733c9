// Colour only where a person is looking: a terminal, unless NO_COLOR says no (https://no-color.org);
// FORCE_COLOR turns it on anywhere (or off with 0/false).
import type { OutStream } from './io';

/** Whether to colour what goes to `stream`. */
export const colourFor = (stream: OutStream, env: NodeJS.ProcessEnv): boolean => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
};

const HOST_COLOURS = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];

/** SGR-styled text when colour is on, plain text otherwise. */
export interface Paint {
  readonly on: boolean;
  /** `text` in the colour given to `host` (hosts get distinct colours in order of first use). */
  host(host: string, text: string): string;
  red(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/**
 * A painter; host colours are assigned in the order hosts are first painted (pass `hosts` to fix them by list order).
 */
export const paint = (on: boolean, hosts: readonly string[] = []): Paint => {
  const colours = new Map<string, number>();
  const colourOf = (h: string) => {
    let c = colours.get(h);
    if (c === undefined) colours.set(h, (c = HOST_COLOURS[colours.size % HOST_COLOURS.length]!));
    return c;
  };
  hosts.forEach(colourOf);
  const sgr = (code: number | string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return {
    on,
    host: (h, text) => sgr(colourOf(h))(text),
    red: sgr(31),
    green: sgr(32),
    dim: sgr(2),
    bold: sgr(1),
  };
};
