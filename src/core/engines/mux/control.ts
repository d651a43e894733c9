// The ControlMaster requests that need no file descriptors (PROTOCOL.mux sections 1, 4, 5, 8, 9),
// as pure conversations: what to send, and what each reply means. engine.ts runs them on a socket.
import { decodeMux, encodeMux, encodeMuxHello, type MuxMessage } from './codec';
import { MUX, MUX_VERSION } from './messages';

/** The control requests the engine makes. */
export type ControlKind = 'alive-check' | 'terminate' | 'stop-listening' | 'proxy';

const REQUEST_TYPE: Record<ControlKind, number> = {
  'alive-check': MUX.C_ALIVE_CHECK,
  terminate: MUX.C_TERMINATE,
  'stop-listening': MUX.C_STOP_LISTENING,
  proxy: MUX.C_PROXY,
};

/** The reply each request expects on success. */
const EXPECTED: Record<ControlKind, MuxMessage['type']> = {
  'alive-check': 'alive',
  terminate: 'ok',
  'stop-listening': 'ok',
  proxy: 'proxy',
};

/** Where a conversation stands after a frame. */
export type ControlStep =
  | { state: 'pending' }
  | { state: 'done' /** The master's pid for alive-check, else 0. */; value: number }
  | { state: 'failed'; reason: string };

/**
 * One control request on a fresh control connection: our hello and the request go out together;
 * the master's hello, then its reply, come back. Feed each frame body to `step`.
 */
export class ControlConversation {
  private gotHello = false;
  private finished = false;

  constructor(
    readonly kind: ControlKind,
    private readonly requestId = 1,
  ) {}

  /** The bytes to write as soon as the socket connects. */
  request(): Buffer {
    return Buffer.concat([encodeMuxHello(), encodeMux(REQUEST_TYPE[this.kind], this.requestId)]);
  }

  /**
   * Whether the socket closing now answers the request: a master told to terminate may exit before
   * its reply reaches us (seen with OpenSSH 9.2), which is the outcome asked for.
   */
  closeMeansDone(): boolean {
    return this.kind === 'terminate' && this.gotHello && !this.finished;
  }

  /** Whether the conversation is over (later frames are proxy-mode packets, or nothing). */
  get done(): boolean {
    return this.finished;
  }

  /** Interprets one ControlMaster frame body. */
  step(body: Buffer): ControlStep {
    const msg = decodeMux(body);
    if (!this.gotHello) {
      if (msg.type !== 'hello') return this.fail(`expected the master's hello, got message type ${describe(msg)}`);
      if (msg.version !== MUX_VERSION)
        return this.fail(`the master speaks mux protocol version ${msg.version}, not ${MUX_VERSION}`);
      this.gotHello = true;
      return { state: 'pending' };
    }
    if ('id' in msg && msg.id !== this.requestId)
      return this.fail(`reply to request ${msg.id}, expected ${this.requestId}`);
    if (msg.type === 'failure' || msg.type === 'denied') {
      return this.fail(`${msg.type === 'denied' ? 'permission denied' : 'refused'}: ${msg.reason}`);
    }
    if (msg.type !== EXPECTED[this.kind]) return this.fail(`unexpected reply ${describe(msg)} to ${this.kind}`);
    this.finished = true;
    return { state: 'done', value: msg.type === 'alive' ? msg.pid : 0 };
  }

  private fail(reason: string): ControlStep {
    this.finished = true;
    return { state: 'failed', reason };
  }
}

const describe = (msg: MuxMessage): string => (msg.type === 'unknown' ? `0x${msg.code.toString(16)}` : msg.type);
