// A transfer tool that runs a program of its own on the server (scp in legacy mode, rsync) against an sftp-only
// account (sshd's `ForceCommand internal-sftp`): scp relays sshd's sentence on its stderr; rsync reads the sentence
// as its protocol greeting and only says "protocol version mismatch -- is your shell clean?", so then one small
// command asks the server, whose answer the command path recognises (src/command/server-refusal.ts).
import type { ConnCommands } from '../conn';
import { isOpenSSHError, sftpOnly, stderrTail, type OpenSSHError } from '../core/errors';
import { isSftpOnlyOutput, saysSftpOnly } from '../core/server-refusals';

const RSYNC_GREETING_MISMATCH = /protocol version mismatch -- is your shell clean\?/;

/** What the failed tool needs to ask. */
export interface ToolFailure {
  readonly ssh: Pick<ConnCommands, 'capture'>;
  readonly host: string;
  /** `scp`, `rsync` */
  readonly tool: string;
  /** What the tool wrote on stderr. */
  readonly stderr: string;
  readonly sshOpts: string[] | undefined;
  /** The transfer's timeout in force, for the question (10 s when it has none). */
  readonly timeout: number | undefined;
}

/** The sftp-only error when that is why the tool failed, else undefined. */
export const sftpOnlyFailure = async (f: ToolFailure): Promise<OpenSSHError | undefined> => {
  const what =
    f.tool === 'scp' ? 'scp in legacy mode (it runs scp on the server)' : `${f.tool} (it runs ${f.tool} on the server)`;
  const details = { stderr: stderrTail(f.stderr) };
  if (saysSftpOnly(f.stderr)) return sftpOnly(f.host, what, details);
  if (!RSYNC_GREETING_MISMATCH.test(f.stderr)) return undefined;
  const asked = await f.ssh.capture({ sshOpts: f.sshOpts, timeout: f.timeout ?? 10 }, 'true').then(
    () => undefined,
    (e: unknown) => e,
  );
  const said = isOpenSSHError(asked) ? asked.stdout : undefined;
  return typeof said === 'string' && isSftpOnlyOutput(said) ? sftpOnly(f.host, what, details) : undefined;
};
