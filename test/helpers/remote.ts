// Remote processes seen from the server itself: a unique marker for a command line, a pgrep pattern for it
// that cannot match the pgrep (or its shell) asking, and assertions that the command runs or has ended.
import { randomInt } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { OpenSSH } from '../../src/index';
import { eventually } from './setup';

/**
 * A unique marker that is also a duration: `sleep ${m}` runs for about a minute and no other process on the
 * machine has it in its command line (so a test only ever looks at or signals its own command).
 */
export const uniqueMarker = (): string => `61.${randomInt(1e8, 1e9)}`;

/**
 * A `pgrep -f`/`pkill -f` pattern matching `text` in a command line, but not itself: its first character
 * is bracketed (`[s]leep 61\.123`), so the command line of the pgrep and of the shell running it do not match.
 */
export const selfSafePattern = (text: string): string =>
  `[${text[0]}]${text.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;

/** Whether a process whose command line contains `text` runs on the server (asked there, with `pgrep -f`). */
export const remoteRunning = (ssh: OpenSSH, text: string): Promise<boolean> =>
  ssh.test('pgrep', '-f', selfSafePattern(text));

/** Asserts that no process with `text` in its command line is left on the server (polled: it may take a moment). */
export const assertRemoteGone = async (ssh: OpenSSH, text: string, what: string, ms = 5000): Promise<void> => {
  const gone = await eventually(async () => !(await remoteRunning(ssh, text)), ms, 100);
  assert.ok(gone, `${what}: the remote command (${text}) still runs on the server ${ms} ms later`);
};

/** Asserts that a process with `text` in its command line runs on the server (polled: it may be starting). */
export const assertRemoteRunning = async (ssh: OpenSSH, text: string, what: string, ms = 5000): Promise<void> => {
  const running = await eventually(() => remoteRunning(ssh, text), ms, 100);
  assert.ok(running, `${what}: no remote command (${text}) on the server`);
};

/** Ends the remote processes with `text` in their command line (ours: the marker is unique), with `pkill -f`. */
export const killRemote = async (ssh: OpenSSH, text: string): Promise<void> => {
  await ssh.test('pkill', '-f', selfSafePattern(text));
};
