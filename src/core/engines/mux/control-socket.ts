// Control conversations on a fresh connection to the master's socket: alive check (the master's
// pid), terminate, stop-listening, and the handshake that turns a connection into a proxy socket.
// What `ssh -O check|exit|stop` do, without starting a process.
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import { masterGone } from '../../errors';
import { judgingTimeout } from '../../loop-aware-timer';
import { FrameParser } from './codec';
import { ControlConversation, type ControlKind } from './control';
import { ReadPool } from './read-pool';

const CONTROL_TIMEOUT_MS = 10_000;
const SOCKET_WATERMARK = 1024 * 1024;

/**
 * Where frames go once the control conversation is done (proxy mode); `split` may take a spanning frame without a copy.
 */
export interface FrameSink {
  frame(body: Buffer): void;
  split?: ((parts: Buffer[]) => boolean) | undefined;
}

/** What proxy mode gets besides the socket: the buffers it reads into (see read-pool.ts). */
export interface SocketReads {
  /** A chunk (a view of a read) made safe to hand to a consumer that may keep it. */
  own(view: Buffer): Buffer;
}

/**
 * Runs one control request on a new connection to `ctlPath`. Resolves with the socket (left open
 * for proxy mode, ended otherwise) and the reply value; the sink `setup` returns receives every later frame.
 */
export const runControl = (
  ctlPath: string,
  kind: ControlKind,
  setup?: (socket: Socket, reads: SocketReads) => FrameSink,
  timeoutMs = CONTROL_TIMEOUT_MS,
): Promise<{ socket: Socket; value: number }> =>
  new Promise((resolve, reject) => {
    const conv = new ControlConversation(kind);
    const parser = new FrameParser();
    const pool = new ReadPool();
    const holds = (b: ArrayBufferLike) => parser.holds(b);
    const socket = createConnection({
      path: ctlPath,
      writableHighWaterMark: SOCKET_WATERMARK,
      onread: {
        buffer: () => pool.next(),
        callback: (n: number, buf: Buffer) => {
          pool.filledBy(buf, n);
          onChunk(buf.subarray(0, n));
          pool.done(buf, holds);
          return true;
        },
      },
    } as NetConnectOpts);
    let after: FrameSink | undefined;
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      socket.destroy();
      reject(masterGone(undefined, `control socket ${ctlPath}: ${reason}`));
    };
    // the master is judged on time our loop could have read its answer in (loop-aware-timer.ts)
    const timer = judgingTimeout(timeoutMs, () => fail(`no answer to ${kind} within ${timeoutMs} ms`));
    socket.once('connect', () => socket.write(conv.request()));
    socket.on('error', (e: NodeJS.ErrnoException) => fail(e.code ? `${e.code} (${e.message})` : e.message));
    socket.once('close', () => {
      if (!settled && conv.closeMeansDone()) {
        settled = true;
        timer.cancel();
        return resolve({ socket, value: 0 });
      }
      fail(`closed before the ${kind} reply`);
    });
    const onChunk = (chunk: Buffer) => {
      try {
        parser.push(
          chunk,
          (body) => {
            if (after) return after.frame(body);
            const step = conv.step(body);
            if (step.state === 'failed') return fail(step.reason);
            if (step.state !== 'done') return;
            settled = true;
            timer.cancel();
            // a socket kept open (proxy mode, a watch) must not keep the process alive: the open channels of
            // the mux engine hold the process (keep-alive.ts), a watch on a master never does
            socket.unref();
            after = setup?.(socket, { own: (v) => pool.own(v) });
            resolve({ socket, value: step.value });
          },
          after?.split,
        );
      } catch (e) {
        if (!settled) return fail((e as Error).message);
        socket.destroy(e as Error);
      }
    };
  });

/** Asks the master for its pid (`ssh -O check`). Rejects with OSSH_MASTER_FAILED when no master answers. */
export const muxAliveCheck = async (ctlPath: string, timeoutMs?: number): Promise<number> => {
  const { socket, value } = await runControl(ctlPath, 'alive-check', undefined, timeoutMs);
  socket.destroy();
  return value;
};

/** Asks the master to exit (`ssh -O exit`). */
export const muxTerminate = async (ctlPath: string, timeoutMs?: number): Promise<void> => {
  const { socket } = await runControl(ctlPath, 'terminate', undefined, timeoutMs);
  socket.destroy();
};

/** Asks the master to stop accepting new clients and remove its socket (`ssh -O stop`). */
export const muxStopListening = async (ctlPath: string, timeoutMs?: number): Promise<void> => {
  const { socket } = await runControl(ctlPath, 'stop-listening', undefined, timeoutMs);
  socket.destroy();
};
