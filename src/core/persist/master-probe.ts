// What is at a persistent control path: nothing, a stale socket (no process listens), or a live master
// of ours (its pid, through the ControlMaster alive check). Anything else is refused, never trusted:
// a file that is not a socket, a socket or master process of another user, a master that does not answer.
import { lstatSync, statSync, type Stats } from 'node:fs';
import type { Socket } from 'node:net';
import { masterFailed, type OpenSSHError } from '../errors';
import { runControl } from '../engines/mux/control-socket';

/** The probe's findings; a live master comes with its control connection still open (the caller owns it). */
export type Probe = { kind: 'absent' } | { kind: 'stale' } | { kind: 'alive'; pid: number; socket: Socket };

const PROBE_TIMEOUT_MS = 5000;
const myUid = (): number => process.geteuid?.() ?? 0;

/** Why the master at `ctlPath` may not be used, as an OSSH_MASTER_FAILED error naming the path. */
const refuse = (host: string | undefined, ctlPath: string, why: string): OpenSSHError =>
  masterFailed(host, `refusing the persistent control socket ${ctlPath}: ${why}`);

/** Looks at `ctlPath`; rejects with OSSH_MASTER_FAILED when what is there must not be used. */
export const probeMaster = async (ctlPath: string, host?: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Probe> => {
  let st: Stats;
  try {
    st = lstatSync(ctlPath);
  } catch {
    return { kind: 'absent' };
  }
  if (!st.isSocket()) throw refuse(host, ctlPath, 'it is not a socket; remove it');
  if (st.uid !== myUid())
    throw refuse(
      host,
      ctlPath,
      `it is owned by uid ${st.uid}, not by you (uid ${myUid()}); remove it if you did not put it there`,
    );
  let reply: Awaited<ReturnType<typeof runControl>>;
  try {
    reply = await runControl(ctlPath, 'alive-check', () => ({ frame: () => {} }), timeoutMs);
  } catch (e) {
    const message = (e as Error).message;
    const why = message.slice(message.lastIndexOf(`${ctlPath}: `) + ctlPath.length + 2); // the reason alone
    if (/^(ECONNREFUSED|ENOENT) /.test(why)) return why.startsWith('ENOENT') ? { kind: 'absent' } : { kind: 'stale' };
    throw refuse(host, ctlPath, `no master answers there (${why}); remove it if no master of yours is starting there`);
  }
  const { socket, value: pid } = reply;
  socket.unref(); // a watch on a master that outlives us must not keep the process alive
  const owner = processOwner(pid);
  if (owner !== undefined && owner !== myUid()) {
    socket.destroy();
    throw refuse(
      host,
      ctlPath,
      `the master answering there (pid ${pid}) runs as uid ${owner}, not as you (uid ${myUid()})`,
    );
  }
  return { kind: 'alive', pid, socket };
};

/** The uid a process runs as, where /proc tells (Linux), else undefined. */
const processOwner = (pid: number): number | undefined => {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
};
