// Why a throwaway sshd could not start: its own error class (it is not a connection's failure, so not an
// OpenSSHError), shaped like one: a code to switch on and a message that says what to do.

/** The codes of {@link TestSshdError}. */
export type TestSshdErrorCode =
  /** sshd or ssh-keygen is not installed: the message names the Debian package. */
  | 'TEST_SSHD_NOT_INSTALLED'
  /** An option cannot be honoured (a bad value, or a login account this process cannot serve). */
  | 'TEST_SSHD_INVALID_ARGUMENT'
  /** sshd was started and did not listen: the message carries what it wrote to stderr. */
  | 'TEST_SSHD_START_FAILED';

/**
 * The error `startTestSshd()` rejects with: test with `instanceof` and switch on `code`. Messages read
 * `"<what failed>: <why, and what to do>"`.
 */
export class TestSshdError extends Error {
  /** What went wrong, e.g. `'TEST_SSHD_NOT_INSTALLED'`. */
  readonly code: TestSshdErrorCode;

  constructor(code: TestSshdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
Object.defineProperty(TestSshdError.prototype, 'name', { value: 'TestSshdError', configurable: true, writable: true });
