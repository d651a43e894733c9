// Whether an ssh binary takes `LogVerbose` (OpenSSH 8.5 and later): asked once per binary and process with
// `ssh -V`, before the first master of that binary forks. With it, a master logs the server's version line alone
// (server-version.ts), instead of every debug line of the connection's life at LogLevel DEBUG1: at DEBUG1 the master
// writes two or three lines per command (a channel opened, freed), and Node reads each one (measured at 5 commands
// in flight: a quarter of Node's CPU per command). Older ssh refuses the option, so it is only given where the
// version says it is known; an ssh that says nothing we can read gets LogLevel=DEBUG1, as before.
import { execFile } from 'node:child_process';

const PROBE_TIMEOUT_MS = 5000;
/** Per binary: the question while `ssh -V` runs, then its answer. */
const asked = new Map<string, boolean | Promise<boolean>>();

/** Whether `ssh -V`'s text names an OpenSSH of 8.5 or later. */
export const takesLogVerbose = (versionText: string): boolean => {
  const m = /\bOpenSSH_(\d+)\.(\d+)/.exec(versionText);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 8 || (major === 8 && minor >= 5);
};

/** The answer for `sshCmd` once known (undefined before its `ssh -V` has answered). */
export const logVerboseKnown = (sshCmd: string): boolean | undefined => {
  const answer = asked.get(sshCmd);
  return typeof answer === 'boolean' ? answer : undefined;
};

/** Asks `sshCmd -V` once; the answer, at once when known. Never rejects: a failed probe is `false`. */
export const probeLogVerbose = (sshCmd: string): boolean | Promise<boolean> => {
  const before = asked.get(sshCmd);
  if (before !== undefined) return before;
  const question = new Promise<boolean>((resolve) => {
    const answer = (takes: boolean) => {
      asked.set(sshCmd, takes);
      resolve(takes);
    };
    try {
      execFile(sshCmd, ['-V'], { timeout: PROBE_TIMEOUT_MS }, (_e, stdout, stderr) =>
        answer(takesLogVerbose(`${stderr}${stdout}`)),
      );
    } catch {
      answer(false);
    }
  });
  if (!asked.has(sshCmd)) asked.set(sshCmd, question); // not over an answer execFile gave by throwing at once
  return question;
};
