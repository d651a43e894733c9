// The command site of one connection: its master, its engines and its quoting context, as the command
// path needs them (see site.ts).
import type { Channel, ChannelRequest } from '../core/channel';
import { debug } from '../core/debug/debug';
import type { EngineContext } from '../core/engines/engine';
import type { EngineSet } from '../core/engines/engine-set';
import { OpenSSHError, masterGone } from '../core/errors';
import { destinationArgs } from '../core/master-args';
import type { Master } from '../core/master';
import type { ConnectionSettings, EngineName } from '../core/options';
import type { Vars } from '../quoting/expand-vars';
import type { CommandSite } from './site';

/** What an engine of this connection is told about the master. */
export const engineContextOf = (s: ConnectionSettings, master: Master): EngineContext => ({
  ctlPath: master.ctlPath!,
  host: s.dest.host,
  sshCmd: s.sshCmd,
  destinationArgs: destinationArgs(s),
  defaultSshOpts: s.defaultSshOpts,
  maxSessions: s.maxSessions,
  maxSessionsGiven: s.maxSessionsGiven,
  serverVersion: master.serverVersion,
  debug: (line) => debug(line.startsWith('spawn: ') ? 'args' : 'exec', line),
  masterError: () => {
    const st = master.state;
    if (st.name === 'failed') return st.error;
    return st.name === 'running' ? undefined : masterGone(s.dest.host, 'the master connection is not running');
  },
  socketGone: () => master.noticeSocketGone(),
});

/** The site of a connection. `vars` gives the variables to expand, or undefined while expansion is off. */
export const connectionSite = (
  s: ConnectionSettings,
  master: Master,
  engines: EngineSet,
  vars: () => Vars | undefined,
): CommandSite => {
  const open = (req: ChannelRequest, engine: EngineName): Channel => engines.open(engine, req);
  const openLater = async (req: ChannelRequest, engine: EngineName): Promise<Channel> => {
    try {
      await master.whenRunning();
    } catch (e) {
      throw e instanceof OpenSSHError && e.code === 'OSSH_MASTER_FAILED' ? e : masterGone(s.dest.host, String(e));
    }
    return open(req, engine);
  };
  return {
    settings: s,
    commandContext: () => ({
      host: s.dest.host,
      quoter: s.remoteShell,
      argumentEncoding: s.argumentEncoding,
      vars: vars(),
    }),
    // at once while the master runs (no await on the hot path), else once it does
    openChannel: (req, engine) => (master.state.name === 'running' ? open(req, engine) : openLater(req, engine)),
    waitForMaster: () => master.whenRunning().then(() => true as const),
    engineContext: () => engineContextOf(s, master),
  };
};
