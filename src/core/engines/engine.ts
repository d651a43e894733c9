// What an engine is given about the master connection it serves.
import type { Channel, ChannelRequest, Engine } from '../channel';

export type { Channel, ChannelRequest, Engine };

/** Everything an engine needs to know about the running master. */
export interface EngineContext {
  /** The master's control socket. */
  readonly ctlPath: string;
  /** The host, for error messages. */
  readonly host: string;
  /** The ssh binary (`sshCmd`). */
  readonly sshCmd: string;
  /** ssh arguments naming the destination, ending with it: `['-l', user, '-p', port, '--', host]`. */
  readonly destinationArgs: readonly string[];
  /** ssh options used for every slave unless a call gives its own (`defaultSshOpts`). */
  readonly defaultSshOpts: readonly string[];
  /** Sessions the server allows per connection (sshd MaxSessions). */
  readonly maxSessions: number;
  /** Whether the user gave `maxSessions` (then it wins over what the server's version implies). */
  readonly maxSessionsGiven?: boolean;
  /** The server's software version, when the master learnt it (server-version.ts). */
  readonly serverVersion?: string | undefined;
  /** Whether the master is known to be gone: its error, else undefined. */
  masterError(): import('../errors').OpenSSHError | undefined;
  /**
   * Called when the master could not be reached: if its control socket is gone, the master is failed (a missing
   * socket is a master failure) and its error returned; undefined when the socket is there.
   */
  socketGone?(): import('../errors').OpenSSHError | undefined;
  /** Debug sink for one subsystem line (never given secrets). */
  debug?(line: string): void;
}
