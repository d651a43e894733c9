// Pure: is there a prompt waiting at the end of what the master's pty showed? Net::OpenSSH answers as
// soon as `:` or `?` appears anywhere (so a banner can trigger it); we look at the last line only: ssh
// writes a prompt without a newline and then waits, so a prompt is always the unfinished last line.

/**
 * What counts as a prompt: a string that must appear in the last line, a RegExp tested on the text since the last
 * answer, or the default.
 */
export type PasswordPrompt = string | RegExp;

/** The default prompt: the unfinished last line ends with `:` or `?` (then optional blanks). */
export const DEFAULT_PROMPT = /[:?][ \t]*$/;

/** The text after the last line break (a pty ends lines with \r\n). */
export const lastLine = (text: string): string => {
  const i = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return i < 0 ? text : text.slice(i + 1);
};

/** Whether `text` (the pty output since the last answer) ends in a prompt. */
export const endsWithPrompt = (text: string, prompt: PasswordPrompt | undefined): boolean => {
  if (prompt === undefined) {
    const line = lastLine(text);
    return line.trim() !== '' && DEFAULT_PROMPT.test(line);
  }
  if (typeof prompt === 'string') return lastLine(text).includes(prompt);
  // a RegExp with the g or y flag keeps lastIndex between calls: test a fresh copy
  return new RegExp(prompt.source, prompt.flags.replace(/[gy]/g, '')).test(text);
};

const HOST_KEY_UNKNOWN = /authenticity of host .*can't be established/is;
const HOST_KEY_CHANGED = /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/is;

/** A host-key problem shown on the pty (ssh asks yes/no there: we must never answer it with a secret). */
export const hostKeyProblem = (text: string): string | undefined => {
  if (HOST_KEY_CHANGED.test(text))
    return (
      "the remote host public key doesn't match the one stored locally (known_hosts): the host was " +
      'reinstalled or someone is intercepting the connection'
    );
  if (HOST_KEY_UNKNOWN.test(text))
    return (
      "the authenticity of the target host can't be established: its public key is not in the known_hosts " +
      'file (connect once with ssh to check and add it)'
    );
  return undefined;
};
