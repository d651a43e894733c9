// What a server says when it refuses to run what we asked, recognised in one place (pure): OpenSSH's sftp-only
// accounts (`ForceCommand internal-sftp`) and restricted shells (rbash). The errors themselves are in errors.ts.

/** What sshd prints (on the session's stdout, exit status 1) for a command on an sftp-only account. */
export const SFTP_ONLY_SAID = 'This service allows sftp connections only.';

const SFTP_ONLY = /^This service allows sftp connections only\.\r?\n?$/;
const SFTP_ONLY_LINE = /^(?:.*: )?This service allows sftp connections only\.\r?$/m;

/** True when a command's whole output is sshd's sftp-only refusal (its stdout, up to the exit). */
export const isSftpOnlyOutput = (stdout: string): boolean => SFTP_ONLY.test(stdout);

/** True when a local tool's stderr (scp legacy mode: the remote side's words, relayed) carries that refusal. */
export const saysSftpOnly = (text: string): boolean => SFTP_ONLY_LINE.test(text);

// bash in restricted mode (started as rbash, or bash -r): `rbash: line 1: cd: restricted`,
// `rbash: line 1: /dev/null: restricted: cannot redirect output`, `... restricted: cannot specify `/' in command names`
const RESTRICTED = /^-?r?bash: (?:line \d+: )?\S.*: restricted(?:: .*)?$/m;
const REDIRECT_REFUSED = /^-?r?bash: (?:line \d+: )?\S.*: restricted: cannot redirect output$/;

/** The restricted shell's refusal line in a command's stderr, or undefined. */
export const restrictedShellLine = (stderr: string): string | undefined => RESTRICTED.exec(stderr)?.[0]?.trim();

/** The line when the first line of a command's stderr is a restricted shell refusing an output redirection. */
export const refusedRedirectionLine = (stderr: string): string | undefined => {
  const first = stderr.split('\n', 1)[0]!.replace(/\r$/, '');
  return REDIRECT_REFUSED.test(first) ? first : undefined;
};
