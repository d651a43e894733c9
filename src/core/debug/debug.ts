// The debug switch and sink (Net::OpenSSH's $debug and $debug_fh): one process-wide bitmask, set from
// NET_OPENSSH_DEBUG at load or through OpenSSH.debug, and one sink that every line goes through,
// scrubbed of every secret a connection holds.
import { DEBUG_FLAGS, parseDebug, type DebugFlagName, type DebugSetting } from './flags';
import { scrubBytes, scrubSecrets } from './scrub';

/** Where debug lines go. */
export type DebugSink = (line: string) => void;

const stderrSink: DebugSink = (line) => void process.stderr.write(`# ${line}\n`);

const fromEnv = (): number => {
  try {
    return parseDebug(process.env.NET_OPENSSH_DEBUG);
  } catch {
    process.stderr.write(
      `# net-openssh: ignoring NET_OPENSSH_DEBUG=${JSON.stringify(process.env.NET_OPENSSH_DEBUG)} (not a ` +
        `number or flag list)\n`,
    );
    return 0;
  }
};

let mask = fromEnv();
let sink: DebugSink = stderrSink;

/** The current bitmask. */
export const getDebug = (): number => mask;
/** Sets the bitmask from a number, true, a name, a list or a comma list of names. */
export const setDebug = (v: DebugSetting): void => void (mask = parseDebug(v));
/** The current sink. */
export const getDebugSink = (): DebugSink => sink;
/** Sets the sink; undefined restores the default (stderr, lines prefixed `# ` as Net::OpenSSH does). */
export const setDebugSink = (s: DebugSink | undefined): void => {
  if (s !== undefined && typeof s !== 'function')
    throw new TypeError('OpenSSH.debugSink must be a function (line: string) => void');
  sink = s ?? stderrSink;
};

/** Whether a subsystem is on (cheap: call it before building an expensive line). */
export const debugOn = (flag: DebugFlagName): boolean => (mask & DEBUG_FLAGS[flag]) !== 0;

/** Emits one line for `flag` when it is on; the line is scrubbed of secrets. A sink that throws is ignored. */
export const debug = (flag: DebugFlagName, line: string | (() => string)): void => {
  if (!debugOn(flag)) return;
  const text = scrubSecrets(typeof line === 'function' ? line() : line);
  try {
    sink(`${flag}: ${text}`);
  } catch {
    // a broken sink must not break the connection
  }
};

/** A classic 16-bytes-per-line hexdump (offset, hex, printable), for the `hexdump` flag. */
export const hexdump = (buf: Buffer, max = 4096): string => {
  const lines: string[] = [];
  const shown = buf.subarray(0, max);
  for (let off = 0; off < shown.length; off += 16) {
    const row = shown.subarray(off, off + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  if (buf.length > max) lines.push(`... ${buf.length - max} more bytes`);
  return lines.join('\n');
};

/** Debug for one stream chunk (io flag: a size line; hexdump flag: the bytes too). */
export const debugData = (label: string, data: Buffer): void => {
  if (!debugOn('io')) return;
  debug('io', () => `${label}: ${data.length} bytes${debugOn('hexdump') ? `\n${hexdump(scrubBytes(data))}` : ''}`);
};
