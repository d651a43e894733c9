// A command the server refused to run, told apart from one that ran and failed. On an sftp-only account
// (`ForceCommand internal-sftp`) sshd answers every command with one line on stdout and exit status 1; a restricted
// shell (rbash) refuses the output redirection the library appended for `stdoutDiscard`/`stderrDiscard` and runs
// nothing (status 1, its words on stderr). Either becomes an OSSH_SLAVE_FAILED error in place of the exit event,
// so every method and Observable reports it the same way (`test` rejects instead of answering false).
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { restrictedRedirection, sftpOnly, type OpenSSHError } from '../core/errors';
import { isSftpOnlyOutput, refusedRedirectionLine } from '../core/server-refusals';
import type { ExecEvent } from '../observables/events';
import type { Call } from './call';

// longer than sshd's sentence: more output than that cannot be the refusal; the shell's line fits in the rest
const HEAD_BYTES = 512;

// The first bytes of a stream (copied: an engine may lend views of buffers it reuses).
class Head {
  private chunks: Buffer[] = [];
  private size = 0;
  over = false;
  push(data: Buffer): void {
    if (this.over) return;
    this.size += data.length;
    if (this.size > HEAD_BYTES) this.over = true;
    else this.chunks.push(Buffer.from(data));
  }
  text(): string | undefined {
    return this.over ? undefined : Buffer.concat(this.chunks).toString();
  }
}

const refusal = (call: Call, stdout: Head, stderr: Head): OpenSSHError | undefined => {
  const out = stdout.text();
  if (out !== undefined && isSftpOnlyOutput(out)) return sftpOnly(call.host, 'a command', { exitCode: 1, stdout: out });
  const err = stderr.text();
  const line = err === undefined || call.redirections.length === 0 ? undefined : refusedRedirectionLine(err);
  if (line !== undefined)
    return restrictedRedirection(call.host, line, call.redirections, { exitCode: 1, stderr: err });
  return undefined;
};

/** Turns the exit of a command the server refused to run (see above) into its OSSH_SLAVE_FAILED error. */
export const serverRefusal =
  (call: Call): MonoTypeOperatorFunction<ExecEvent> =>
  (source) => {
    const { kind } = call.request;
    if (kind !== 'exec' && kind !== 'shell') return source;
    return new Observable<ExecEvent>((sub) => {
      const stdout = new Head();
      const stderr = new Head();
      return source.subscribe({
        next: (e) => {
          if (e.type === 'stdout') stdout.push(e.data);
          else if (e.type === 'stderr') stderr.push(e.data);
          else if (e.type === 'exit' && e.code === 1 && e.note === undefined) {
            const refused = refusal(call, stdout, stderr);
            if (refused) return sub.error(refused);
          }
          sub.next(e);
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
    });
  };
