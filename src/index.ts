export { OpenSSH } from './openssh';
export type { Capture2Result, Socket3Process, SocketProcess } from './openssh';
export type { WithOptions } from './command/call-args';
export type { OpenSSHOptions, EngineName } from './core/options';
export type { PersistentMaster } from './core/persist/persistent-masters';
export type {
  CallOptions,
  Capture2Options,
  CaptureOptions,
  CommonCallOptions,
  FileSpec,
  InputHandle,
  Open2Options,
  Open3Options,
  OpenExOptions,
  OutputHandle,
  PipeOptions,
  SpawnOptions,
  StderrCallOptions,
  OutputCallbackOptions,
  StdinCallOptions,
  DpipeCallOptions,
  StdoutCallOptions,
  SystemOptions,
  TestOptions,
  TimeoutCallOptions,
} from './core/call-options';
export type { RemoteProcess, WithStdin, WithStdout, WithStderr } from './core/remote-process';
export type { MasterState, MasterStateName } from './core/master-state';
export type { SshConfiguration } from './core/ssh-configuration';
export { parseDestination } from './core/destination';
export type { Destination } from './core/destination';
export { OpenSSHError, ERROR_CODES, isOpenSSHError } from './core/errors';
export type { OpenSSHErrorCode, OpenSSHErrorDetails } from './core/errors';
export type { ExitStatus } from './core/channel';
export type { ExecEvent, ExitEvent, OutputEvent } from './observables/events';
export { isExit, isStderr, isStdout } from './observables/events';
export { raw, glob } from './quoting/quoter';
export type { Arg } from './quoting/quoter';
export type { CommandArg } from './core/remote-command';
export {
  sftp,
  createSftp,
  SftpClient,
  SftpHandle,
  SftpStats,
  SftpError,
  TransferHandle,
  SFTP_STATUS,
  SFTP_OPEN_FLAGS,
} from './sftp/index';
export type {
  SftpOptions,
  SftpConnection,
  CreateSftpOptions,
  SftpTransport,
  SftpDirEntry,
  SftpListEntry,
  SftpWalkEntry,
  SftpLimits,
  SftpOpenFlags,
  SftpStatVfs,
  SftpAttrInput,
  SftpErrorDetails,
  SftpStatusName,
  TransferOptions,
  TransferProgress,
  TransferResult,
  LsOptions,
  WalkOptions,
} from './sftp/index';
export { capture$ } from './observables/capture';
export { lines$ } from './observables/lines';
export type { CaptureValue } from './observables/capture';
export type { LinesValue } from './observables/lines';
export type { ExecSource } from './observables/command-output';
export type { CaptureStreamOptions, LinesStreamOptions } from './observables/stream-options';
export { abortable } from './observables/operators/abortable';
export { decode } from './observables/operators/decode';
export { exitCode } from './observables/operators/exit-code';
export { inactivityTimeout } from './observables/operators/inactivity-timeout';
export { killOnTimeout } from './observables/operators/kill-on-timeout';
export { lines } from './observables/operators/lines';
export { stdout } from './observables/operators/stdout';
export { teeStderr } from './observables/operators/tee-stderr';
export { throwOnFailure } from './observables/operators/throw-on-failure';
export { retryOnMasterFailure } from './observables/operators/retry-on-master-failure';
export type {
  RestartableConnection,
  RetryOnMasterFailureOptions,
} from './observables/operators/retry-on-master-failure';
export type { AbortableOptions } from './observables/operators/abortable';
export type { DecodeOptions } from './observables/operators/decode';
export type { ExitCodeOptions } from './observables/operators/exit-code';
export type { InactivityTimeoutOptions } from './observables/operators/inactivity-timeout';
export type { KillOnTimeoutOptions } from './observables/operators/kill-on-timeout';
export type { LineOptions } from './observables/operators/lines';
export type { StderrTarget } from './observables/operators/tee-stderr';
export type { ThrowOnFailureOptions } from './observables/operators/throw-on-failure';
export type { PtyHandle } from './core/pty/pty-handle';
export type { PtyProcess, PtyExit } from './core/pty/pty-process';
export type { PtyCallOptions } from './core/call-options';
export type { LoginHandler } from './core/options';
export type { GatewayOptions } from './core/login/gateway';
export type { PasswordPrompt } from './core/login/prompt';
export { DEBUG_FLAGS } from './core/debug/flags';
export type { DebugFlagName, DebugSetting } from './core/debug/flags';
export type { DebugSink } from './core/debug/debug';
export type { ScpOptions } from './transfers/scp';
export type { RsyncOptions } from './transfers/rsync';
export type { SshfsMount, SshfsOptions } from './transfers/sshfs';
export type { GlobFlags } from './transfers/local-glob';
export type { TransferHandle as FileTransferHandle } from './transfers/run-transfer';
export type { TransferOptions as FileTransferOptions, ProgressListener } from './transfers/transfer-options';
export type { TransferProgress as FileTransferProgress } from './transfers/progress';
export type { Tunnel } from './tunnels/tunnel-handle';
export type { CaptureTunnelOptions, TunnelOptions } from './tunnels/tunnel-options';
export type { Forward, ForwardListen, ForwardOptions, ForwardSpec, ForwardTarget } from './tunnels/forward';
export { Fleet, FleetOf, fleet } from './fleet-default';
export type { ConnectionFactory, FleetConnection } from './fleet-default';
export { summarize } from './fleet/index';
export type {
  FleetErrorEvent,
  FleetExecEvent,
  FleetExecOptions,
  FleetHost,
  FleetHostState,
  FleetLineEvent,
  FleetLinesOptions,
  FleetOptions,
  FleetSummary,
  HostResult,
} from './fleet/index';
