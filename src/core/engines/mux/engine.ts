// The mux engine: commands over the master's control socket in proxy mode (MUX_C_PROXY), with no
// process per command. It keeps a pool of proxy sockets (opened by control-socket.ts, which also reads
// them into reused buffers, read-pool.ts; written through packet-writer.ts), each with its channel table
// (proxy.ts); admits sessions below the server's MaxSessions, counted with the spawn engine's
// (session-budget.ts, admission.ts); and keeps a warm session ahead, or with `prestart` prestarted shells
// (prestart.ts).
import type { Socket } from 'node:net';
import type { ChannelRequest, Engine } from '../../channel';
import { masterGone, slaveFailed, type OpenSSHError } from '../../errors';
import type { EngineContext } from '../engine';
import { holdWhile } from '../../keep-alive';
import { CodecError } from './codec';
import { runControl, type SocketReads } from './control-socket';
import { SessionBudget } from '../session-budget';
import { learnedLimit, takeAdmissible } from './admission';
import { PacketWriter } from './packet-writer';
import { Prestarter } from './prestart';
import { oversizedRequest } from './request-limit';
import { ProxyConnection } from './proxy';
import { MuxSession, NO_EXIT_STATUS } from './session';

export type { MuxExitStatus } from './session';
export { muxAliveCheck, muxStopListening, muxTerminate } from './control-socket';

/** Options of the mux engine beyond its context. */
export interface MuxEngineOptions {
  /**
   * Serve `kind: 'tunnel'` requests (direct-tcpip / direct-streamlocal) too.
   * @default false (tunnels use the spawn engine)
   */
  tunnels?: boolean | undefined;
  /** Channels one proxy socket carries at once before another socket is opened. @default 64 */
  channelsPerSocket?: number | undefined;
  /** Times a refused session open is retried on another socket before it fails. @default 3 */
  openRetries?: number | undefined;
  /**
   * Keep one session opened ahead of the next command (below the session limit, once the engine has
   * been used), so a command costs the exec round trip only, not open + exec. @default true
   */
  warmSession?: boolean | undefined;
  /**
   * Prestart the warm session's shell where the login shell is a plain sh (the connection's `muxPrestart`, see
   * prestart.ts): a command is then evaluated by a shell already running. Off for good once a prestarted session
   * shows another shell. @default false
   */
  prestart?: boolean | undefined;
}

/** Counters for tests and debugging. */
export interface MuxEngineStats {
  sockets: number;
  retiredSockets: number;
  queued: number;
  /** Sessions open or opening, the warm one included. */
  activeSessions: number;
  sessionLimit: number;
  /** Whether a warm session is open (or opening), waiting for the next command. */
  warm: boolean;
  /** Whether warm sessions are prestarted (their shell already runs; see prestart.ts). */
  prestart: boolean;
  /** Packets the channel-id gate refused to send (0 unless there is a bug). */
  dropped: number;
}

/** The mux engine, with its counters. */
export interface MuxEngine extends Engine {
  readonly name: 'mux';
  stats(): MuxEngineStats;
}

interface Link {
  readonly socket: Socket;
  readonly proxy: ProxyConnection;
  readonly writer: PacketWriter;
  ready: boolean;
  closed: boolean;
  /** Closed sessions sshd may not have freed yet, no barrier sent for them yet: they keep their slot. */
  unconfirmed: number;
  /** Whether a barrier for `unconfirmed` is scheduled (one per turn of the loop, for every close of that turn). */
  barrierScheduled: boolean;
  /** Closed sessions whose barrier is on its way: they keep their slot until it is answered. */
  releasing: number;
  /** Barriers no channel could carry when sent: the next channel the server confirms carries them. */
  carrierWaits: Array<() => boolean>;
}

// with no live session to carry a barrier, a closed session's slot is given back after this long
const RELEASE_FALLBACK_MS = 10;
// dispose() waits at most this long for the server to answer the CLOSEs of what was still running
const DISPOSE_GRACE_MS = 1000;

/**
 * Why the mux engine cannot serve a request (proxy mode has no ssh process to give options to), or undefined when it
 * can.
 */
export const muxRefusal = (req: ChannelRequest, tunnels = false): string | undefined => {
  if (req.sshOpts && req.sshOpts.length > 0) return 'per-call sshOpts need an ssh process';
  if (req.forwardAgent === true) return 'agent forwarding needs an ssh process';
  if (req.forwardX11 === true) return 'X11 forwarding needs an ssh process';
  if (req.kind === 'tunnel' && !tunnels)
    return 'tunnels use `ssh -W` (the spawn engine) unless the mux engine is created with tunnels: true';
  return undefined;
};

/**
 * Creates the mux engine for the master described by `ctx`, drawing sessions from `budget` (shared with the spawn
 * engine).
 */
export const createMuxEngine = (
  ctx: EngineContext,
  opts: MuxEngineOptions = {},
  budget = new SessionBudget(ctx.maxSessions),
): MuxEngine => {
  const perSocket = opts.channelsPerSocket ?? 64;
  const retries = opts.openRetries ?? 3;
  const debug = (line: string) => ctx.debug?.(line);
  const links = new Set<Link>();
  const queue: MuxSession[] = [];
  let activeSessions = 0;
  // sessions taken by anyone: ours and the spawn engine's slaves
  const inUse = () => activeSessions + budget.spawnSessions;
  budget.muxActive = () => activeSessions;
  let connecting = false;
  let disposed = false;
  let pumpScheduled = false;
  // the warm sessions and their sockets; off for good once the server refused one
  const warms: Array<{ session: MuxSession; link: Link }> = [];
  const removeWarm = (session: MuxSession) => {
    const i = warms.findIndex((w) => w.session === session);
    if (i >= 0) warms.splice(i, 1);
  };
  let warmAllowed = opts.warmSession !== false;
  // a prestarted shell that ended unused is forgotten; the next warm session opens
  const prestart = new Prestarter(opts.prestart === true, ctx.host, debug, (session) => {
    removeWarm(session);
    schedulePump();
  });

  const schedulePump = () => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    queueMicrotask(pump);
  };

  // someone waits for a session while the warm one holds the last: it is given back (its slot frees once sshd has the
  // CLOSE)
  const dropWarm = (who: string) => {
    const furthest = prestart.furthest(warms.map((x) => x.session));
    const w = warms.find((x) => x.session === furthest);
    if (!w) return;
    removeWarm(w.session);
    debug(`mux: warm session closed: ${who} waits for a session`);
    w.session.close();
  };
  budget.onChange(schedulePump);
  budget.reclaimWarm = () => dropWarm('a slave of the spawn engine');

  const usableLink = () =>
    [...links].find((l) => l.ready && !l.closed && !l.proxy.retired && l.proxy.channels.size < perSocket);

  // opens warm sessions while the engine is idle enough: nothing queued, a slot free (a second one, when
  // prestarting keeps two ahead, only with another slot to spare), a socket ready
  const openWarm = () => {
    for (;;) {
      const target = prestart.ahead;
      const spare = warms.length === 0 ? 0 : 1;
      if (
        !warmAllowed ||
        warms.length >= target ||
        disposed ||
        queue.length > 0 ||
        budget.spawnWaiting > 0 ||
        inUse() + spare >= budget.limit
      )
        return;
      const link = usableLink();
      if (!link) return;
      const session = prestart.warm();
      warms.push({ session, link });
      activeSessions++;
      link.proxy.open(session, false);
    }
  };

  // gives a warm session to `req` when one can take it (which one: see Prestarter.choose)
  const takeWarm = (req: ChannelRequest): MuxSession | undefined => {
    if (warms.length === 0 || req.kind === 'tunnel') return undefined;
    const pick = prestart.choose(
      warms.map((x) => x.session),
      req,
    );
    const w = pick && warms.find((x) => x.session === pick.session);
    if (!pick || !w) return undefined;
    removeWarm(w.session);
    // the next warm session first: its OPEN waits in the writer and goes out in the same write as this request
    // (one write, one wake-up of the master per command; sshd opens a session without forking, so it costs the
    // request next to nothing)
    openWarm();
    if (!prestart.give(pick, req)) return undefined;
    if (!w.session.confirmed) w.link.writer.flush(); // its OPEN may still be waiting to ride along
    return w.session;
  };

  function pump(): void {
    pumpScheduled = false;
    for (;;) {
      while (queue[0]?.finished) queue.shift(); // closed while queued
      if (queue.length === 0) return openWarm();
      const link = usableLink();
      if (!link) return void connect();
      const ch = takeAdmissible(queue, inUse(), budget.limit + lent());
      // a command the warm session cannot take (a prestarted one: env, pty, not ready yet) must not wait on it
      if (!ch) return dropWarm('a command it cannot take');
      if (ch.finished) continue;
      if (ch.isSession) activeSessions++;
      link.proxy.open(ch);
    }
  }

  const failQueued = (error: OpenSSHError) => {
    for (const ch of queue.splice(0)) ch.failOpen(error);
  };

  const gone = (reason: string) => ctx.masterError() ?? masterGone(ctx.host, reason);

  function connect(): void {
    if (connecting || disposed) return;
    connecting = true;
    openProxySocket(ctx.ctlPath, makeLink).then(
      (link) => {
        connecting = false;
        link.ready = true;
        debug(`mux: proxy socket ready (${links.size} open)`);
        schedulePump();
      },
      (e: OpenSSHError | Error) => {
        connecting = false;
        // no socket file: the master runs but nothing can reach it, a master failure (socketGone fails the master)
        const err =
          ctx.socketGone?.() ??
          ('code' in e && typeof e.code === 'string' && e.code.startsWith('OSSH_')
            ? (e as OpenSSHError)
            : gone(e.message));
        debug(`mux: cannot open a proxy socket: ${err.message}`);
        failQueued(err);
      },
    );
  }

  const makeLink = (socket: Socket, reads: SocketReads): Link => {
    const link: Link = {
      socket,
      writer: new PacketWriter(socket),
      ready: false,
      closed: false,
      unconfirmed: 0,
      barrierScheduled: false,
      releasing: 0,
      carrierWaits: [],
      proxy: undefined as unknown as ProxyConnection,
    };
    (link as { proxy: ProxyConnection }).proxy = new ProxyConnection({
      write: (packets, urgent) => (link.closed ? true : link.writer.write(packets, urgent)),
      whenDrained: (fn) => link.writer.whenDrained(fn),
      own: (view) => reads.own(view),
      openFailed: (ch, reason) => openFailed(ch, reason),
      channelGone: (ch) => channelGone(link, ch),
      confirmed: () => {
        if (link.carrierWaits.length > 0) link.carrierWaits = link.carrierWaits.filter((carried) => !carried());
      },
      debug,
    });
    links.add(link);
    socket.on('close', () => linkClosed(link));
    return link;
  };

  // A command closed without an exit status while other sessions ran: some servers lose the statuses of commands
  // that end together (dropbear 2022.83). One session at a time from now on. Only commands: asyncssh ends its sftp
  // sessions without a status.
  const lostStatus = (note: string | undefined) => {
    if (note !== NO_EXIT_STATUS || disposed || inUse() + queue.length === 0 || budget.limit === 1) return;
    debug(`mux: a session ended without an exit status beside others: session limit lowered from ${budget.limit} to 1`);
    budget.lower(1);
    budget.changed();
  };

  const openFailed = (ch: MuxSession, reason: string) => {
    if (disposed) {
      if (ch.isSession) activeSessions--;
      ch.failOpen(masterGone(ctx.host, 'the connection was closed'));
      if (allGone && openChannels() === 0) allGone();
      return;
    }
    if (ch.warm) {
      // the server allows fewer sessions than we thought: no more warm sessions, and learn the limit
      removeWarm(ch);
      warmAllowed = false;
      activeSessions--;
      budget.lower(learnedLimit(budget.limit, Math.max(1, inUse())));
      debug(`mux: warm session refused (${reason}); warm sessions off, session limit ${budget.limit}`);
      ch.failOpen(slaveFailed(ctx.host, `the server refused to open the channel: ${reason}`));
      return budget.changed();
    }
    if (ch.isSession) {
      activeSessions--;
      // refused with others open: the server allows fewer than we were told; wait for a slot instead
      if (inUse() > 0 && !ch.finished) {
        const lower = learnedLimit(budget.limit, inUse());
        if (lower < budget.limit)
          debug(`mux: session refused with ${inUse()} open: session limit lowered from ${budget.limit} to ${lower}`);
        budget.lower(lower);
        ch.requeue();
        queue.unshift(ch);
        return budget.changed();
      }
    }
    if (ch.isSession && ch.attempts <= retries && !ch.finished) {
      debug(`mux: session open refused (${reason}); queued again`);
      ch.requeue();
      queue.unshift(ch);
    } else ch.failOpen(slaveFailed(ctx.host, `the server refused to open the channel: ${reason}`));
    budget.changed();
  };

  // sshd frees a session's slot in the loop iteration after it processed our CLOSE, so an OPEN
  // right behind the CLOSE would be refused. The slot is given back once a barrier request sent
  // after the CLOSE has been answered: the server has processed the CLOSE and looped since.
  // The closes of one turn of our loop share one barrier, and barriers do not wait for each other: with
  // commands in flight, slots come back one round trip after their CLOSE, not behind earlier barriers.
  // dispose() waits here for the server's answers to its CLOSEs
  let allGone: (() => void) | undefined;
  const openChannels = () => [...links].reduce((n, l) => n + l.proxy.channels.size, 0);
  const channelsGone = (ms: number): Promise<void> =>
    openChannels() === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            allGone = undefined;
            resolve();
          }
          allGone = done;
        });

  const channelGone = (link: Link, ch: MuxSession) => {
    if (allGone && openChannels() === 0) allGone();
    removeWarm(ch);
    if (!ch.isSession) return;
    if (link.closed || !ch.confirmed) return release(link, 0, 1);
    link.unconfirmed++;
    if (queue.length > 0 && budget.spare) schedulePump(); // one waiting may open into the spare slot (see lent)
    if (link.barrierScheduled) return;
    link.barrierScheduled = true;
    queueMicrotask(() => scheduleBarrier(link));
  };

  // someone waits for a slot: the CLOSEs that wait go out now, the barrier right behind them; else the barrier goes
  // out with them, behind the next command's request (PacketWriter: a request goes ahead of the housekeeping)
  const scheduleBarrier = (link: Link) => {
    if (!urgent()) return link.writer.later(() => requestBarrier(link));
    link.writer.flush();
    requestBarrier(link);
  };

  const release = (link: Link, fromUnconfirmed: number, plain = 0) => {
    link.unconfirmed -= fromUnconfirmed;
    activeSessions -= fromUnconfirmed + plain;
    budget.changed();
  };

  // the channel least likely to close before the reply: a warm session waiting for its command, else the newest
  const barrierCarrier = (link: Link, done: (replied: boolean) => void): boolean => {
    for (const w of warms) if (w.link === link && w.session.barrier(done)) return true;
    const live = [...link.proxy.channels.values()];
    for (let i = live.length - 1; i >= 0; i--) if (live[i]!.barrier(done)) return true;
    return false;
  };
  // someone waits for a slot: the barrier (and the CLOSE before it) go out now, not with the next write
  const urgent = () => queue.length > 0 || budget.spawnWaiting > 0;

  const requestBarrier = (link: Link) => {
    link.barrierScheduled = false;
    const n = link.unconfirmed;
    if (n === 0) return;
    link.unconfirmed = 0;
    if (link.closed) return release(link, 0, n);
    link.releasing += n;
    let settled = false;
    const done = (replied: boolean) => {
      if (settled) return;
      settled = true;
      link.releasing -= n;
      // the carrier closed before the reply (the server does not answer on a channel it closed): ask again
      if (!replied && !link.closed) {
        link.unconfirmed += n;
        return requestBarrier(link);
      }
      release(link, 0, n);
    };
    if (barrierCarrier(link, done)) return;
    // no channel can carry it now: the next one the server confirms does, else the slots come back after a while
    const timer = setTimeout(() => done(true), RELEASE_FALLBACK_MS);
    timer.unref();
    link.carrierWaits.push(() => settled || (barrierCarrier(link, done) && (clearTimeout(timer), true)));
  };

  // Sessions closed whose slot the server may not have freed yet hold their slot, and the limit keeps one of the
  // server's sessions spare (sessionLimit): while one such slot waits for its barrier, a command may open into the
  // spare one (the server then has at most its MaxSessions). Commands that end together no longer wait for a barrier
  // round trip (or, with no channel left to carry it, its fallback) before the next starts. Never for a warm session.
  const unfreed = () => [...links].reduce((n, l) => n + l.unconfirmed + l.releasing, 0);
  const lent = () => (budget.spare && unfreed() > 0 ? 1 : 0);

  const linkClosed = (link: Link) => {
    if (link.closed) return;
    link.closed = true;
    link.writer.close();
    links.delete(link);
    if (link.unconfirmed > 0) release(link, link.unconfirmed);
    if (link.proxy.channels.size > 0)
      debug(`mux: control socket closed with ${link.proxy.channels.size} channel(s) open`);
    link.proxy.failAll(gone('the control socket closed (the master exited or dropped the connection)'));
    if (queue.length > 0) schedulePump(); // a new socket fails at once if the master is gone
  };

  const closeLinks = (keepRetired: boolean) => {
    for (const link of [...links]) {
      if (keepRetired && link.proxy.retired) {
        // closing it would make an OpenSSH 9.2 master exit: keep it (unref'd, as every socket here)
        debug('mux: keeping a retired control socket open so the master survives');
        continue;
      }
      link.closed = true;
      link.writer.close();
      links.delete(link);
      link.socket.destroy();
    }
  };

  return {
    name: 'mux',
    supports: (req: ChannelRequest) => muxRefusal(req, opts.tunnels === true) === undefined,
    // every channel keeps the process alive from open until its exit settles (keep-alive.ts); the sockets
    // never do, so a warm session waiting for the next command holds nothing
    open(req) {
      // a request over the master's packet limit fails alone, before anything is written (request-limit.ts)
      const err =
        oversizedRequest(req) ?? (disposed ? masterGone(ctx.host, 'the connection was closed') : ctx.masterError());
      const warmed = err ? undefined : takeWarm(req);
      if (warmed) return (holdWhile(warmed.exit), warmed);
      const ch = new MuxSession(req, ctx.host, debug);
      if (ch.isSession)
        ch.waitingFor = () => (ch.state === 'queued' && inUse() >= budget.limit ? budget.describe() : undefined);
      holdWhile(ch.exit);
      if (req.kind === 'exec')
        ch.exit.then(
          (st) => lostStatus(st.note),
          () => {},
        );
      if (err) ch.failOpen(err);
      else {
        queue.push(ch);
        schedulePump();
      }
      return ch;
    },
    failAll(error) {
      failQueued(error);
      for (const link of [...links]) link.proxy.failAll(error);
      closeLinks(false);
    },
    // the running commands are told to end (signal, CLOSE) and fail now; the sockets close once the server
    // has answered every CLOSE, or after DISPOSE_GRACE_MS, so the signals reach sshd before the master goes
    async dispose() {
      disposed = true;
      warms.length = 0;
      const error = masterGone(ctx.host, 'the connection was closed');
      failQueued(error);
      if (!ctx.masterError()) {
        for (const link of links) for (const ch of [...link.proxy.channels.values()]) ch.abandon(error);
        await channelsGone(DISPOSE_GRACE_MS);
      }
      for (const link of [...links]) link.proxy.failAll(error);
      closeLinks(!ctx.masterError());
    },
    stats: () => ({
      sockets: links.size,
      retiredSockets: [...links].filter((l) => l.proxy.retired).length,
      queued: queue.length,
      activeSessions,
      sessionLimit: budget.limit,
      warm: warms.length > 0,
      prestart: prestart.on,
      dropped: [...links].reduce((n, l) => n + l.proxy.dropped, 0),
    }),
  };
};

/** Opens a proxy-mode control socket and hands it to `makeLink`, which owns it from then on. */
const openProxySocket = async (ctlPath: string, makeLink: (s: Socket, reads: SocketReads) => Link): Promise<Link> => {
  let link: Link | undefined;
  await runControl(ctlPath, 'proxy', (socket, reads) => {
    socket.removeAllListeners('error');
    socket.on('error', () => {}); // 'close' follows; linkClosed reports it
    link = makeLink(socket, reads);
    const l = link;
    const guarded = <T>(fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        socket.destroy();
        return fallback;
      }
    };
    return {
      frame: (body) => guarded(() => l.proxy.receive(body), undefined),
      split: (parts) => guarded(() => l.proxy.receiveSplit(parts), true),
    };
  });
  return link!;
};
