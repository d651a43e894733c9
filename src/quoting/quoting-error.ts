// The quoting module's own error: it depends on nothing else in the library, so the connection layer
// can wrap a QuotingError into its OpenSSHError (same `code`) without a cycle.

/** Codes a QuotingError carries (the Net::OpenSSH constant names the connection layer also uses). */
export type QuotingErrorCode = 'OSSH_ENCODING_ERROR' | 'OSSH_INVALID_ARGUMENT';

/**
 * An argument that cannot be turned into a remote command line: it contains a NUL byte, a character the
 * chosen encoding cannot represent, or something the remote shell cannot carry (a newline for cmd.exe).
 * Thrown before anything runs. Test with `instanceof QuotingError` or by `code`; do not construct it yourself.
 */
export class QuotingError extends Error {
  /** `OSSH_ENCODING_ERROR` or `OSSH_INVALID_ARGUMENT`, as OpenSSHError's codes. */
  readonly code: QuotingErrorCode;
  constructor(code: QuotingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(QuotingError.prototype, 'name', {
  value: 'QuotingError',
  enumerable: false,
  writable: true,
  configurable: true,
});

/** `code: 'OSSH_INVALID_ARGUMENT'`: the argument cannot be passed at all. */
export const invalidArgument = (message: string): QuotingError => new QuotingError('OSSH_INVALID_ARGUMENT', message);

/** `code: 'OSSH_ENCODING_ERROR'`, with Net::OpenSSH's message prefix. */
export const encodingError = (message: string): QuotingError =>
  new QuotingError('OSSH_ENCODING_ERROR', `argument encoding failed: ${message}`);

// execve() ends every argument at the first NUL, so a NUL would silently truncate the remote argument.
/** Throws OSSH_INVALID_ARGUMENT when `text` contains a NUL character. */
export const assertNoNul = (text: string): void => {
  const at = text.indexOf('\0');
  if (at !== -1)
    throw invalidArgument(`a command argument contains a NUL byte (at offset ${at}), which no command line can carry`);
};

/** Shows a value in an error message without dumping a huge argument. */
export const preview = (text: string, max = 40): string =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
