export { OpenSSHError, ERROR_CODES, isOpenSSHError } from './core/errors';
export type { OpenSSHErrorCode, OpenSSHErrorDetails } from './core/errors';
export type { Channel, ChannelRequest, Engine, ExitStatus } from './core/channel';
export type { ExecEvent, ExitEvent, OutputEvent } from './observables/events';
export { isExit, isStderr, isStdout } from './observables/events';
export { raw, glob } from './quoting/quoter';
