// Pure: the login dialogue on the master's pty. It is fed what the pty shows and says what to do:
// answer a prompt with the secret (once, never twice), fail, or nothing yet. master.ts runs it.
import { endsWithPrompt, hostKeyProblem, type PasswordPrompt } from './prompt';

/** Which secret is being answered (for the messages). */
export type SecretKind = 'password' | 'passphrase';

/** What to do after some pty output. */
export type LoginAction =
  | { type: 'wait' }
  | { type: 'answer'; prompt: string } // write the secret + "\r"; `prompt` is the prompt line, for debug output
  | { type: 'fail'; reason: string };

/** The dialogue's state: what was seen since the last answer, and whether the secret went out. */
export class LoginDriver {
  private pending = '';
  private answered = false;

  constructor(
    private readonly kind: SecretKind | undefined,
    private readonly prompt: PasswordPrompt | undefined,
  ) {}

  /** Whether the secret has been sent. */
  get sent(): boolean {
    return this.answered;
  }

  /** Feeds pty output; returns the next action. */
  feed(chunk: string): LoginAction {
    this.pending += chunk;
    if (this.pending.length > 65536) this.pending = this.pending.slice(-65536);
    const hostKey = hostKeyProblem(this.pending);
    if (hostKey) return { type: 'fail', reason: hostKey };
    if (this.kind === undefined || !endsWithPrompt(this.pending, this.prompt)) return { type: 'wait' };
    const line =
      this.pending
        .trim()
        .split(/\r?\n|\r/)
        .pop() ?? '';
    if (this.answered) {
      return {
        type: 'fail',
        reason: `the ${this.kind} was refused (a second ${this.kind} prompt appeared: ${JSON.stringify(line)})`,
      };
    }
    this.answered = true;
    this.pending = '';
    return { type: 'answer', prompt: line };
  }
}

/** Why the master exited during login, in words: a refused secret when one was sent and ssh said so. */
export const exitDuringLogin = (
  kind: SecretKind | undefined,
  sent: boolean,
  sshSays: string,
  output: string,
): string => {
  if (kind === undefined || !sent) return sshSays;
  const denied = output
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .find((l) => /Permission denied|Bad passphrase|incorrect passphrase/i.test(l));
  return denied
    ? `the ${kind} was refused (ssh: ${denied})`
    : `the ${kind} was refused or the master exited during login (${sshSays})`;
};
