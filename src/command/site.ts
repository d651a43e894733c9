// What the command path needs from its connection: the settings, the quoting context and a way to open a
// channel. The facade (src/openssh.ts) builds one; nothing here imports it, so a command goes one way
// down: facade -> command -> engine.
import type { Channel, ChannelRequest } from '../core/channel';
import type { EngineName, ConnectionSettings } from '../core/options';
import type { CommandContext } from '../core/remote-command';
import type { EngineContext } from '../core/engines/engine';

/** The connection as the command path sees it. */
export interface CommandSite {
  /** The normalised constructor options. */
  readonly settings: ConnectionSettings;
  /** What the connection contributes to a command line (quoter, encoding, variables when expansion is on). */
  commandContext(): CommandContext;
  /** Opens a channel for `req`: at once while the master runs, else once it does. */
  openChannel(req: ChannelRequest, engine: EngineName): Channel | Promise<Channel>;
  /** Waits until the master runs (rejects with its error). */
  waitForMaster(): Promise<true>;
  /** The running master's engine context (control path, destination), for ptys and slave argv. */
  engineContext(): EngineContext;
}
