// net-openssh/testing: a private, throwaway OpenSSH server to test your code against (re-exports only).
export { startTestSshd } from './test-sshd';
export type { TestSshd, TestSshdConnectOptions, TestSshdOptions } from './test-sshd';
export { TestSshdError } from './test-sshd-error';
export type { TestSshdErrorCode } from './test-sshd-error';
export { findSshd, freeLoopbackPort } from './throwaway-sshd';
