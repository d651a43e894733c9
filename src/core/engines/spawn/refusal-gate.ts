// An `ssh -S` slave whose session the server refused (sshd's MaxSessions) says so first on its stderr, before the
// remote command could write anything there: "mux_client_request_session: session request failed: <reason>". The
// gate holds a slave's stderr while it may still be that line, so a refused slave's words never reach the caller:
// the spawn engine starts the command again once a session is free (engine.ts). Anything else passes at once.
import { Transform, type TransformCallback } from 'node:stream';

const PREFIX = 'mux_client_request_session: session request failed: ';
// what a refused slave writes is a few lines; more than this is kept no longer (it is no refusal of ours to hold)
const HELD_MAX = 4096;

/** The stderr of a slave, held while it may be the server's refusal of its session. */
export class RefusalGate extends Transform {
  private held = Buffer.alloc(0);
  private open = false;
  /** Whether the slave's stderr began with the refusal (then nothing of it is passed on). */
  refused = false;

  /** What the refused slave wrote (for the error when it is not started again). */
  get text(): string {
    return this.held.toString('utf8');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.open) return cb(null, chunk);
    if (this.refused) {
      if (this.held.length < HELD_MAX) this.held = Buffer.concat([this.held, chunk]);
      return cb();
    }
    this.held = Buffer.concat([this.held, chunk]);
    const seen = this.held.subarray(0, PREFIX.length).toString('latin1');
    if (seen === PREFIX) this.refused = true;
    else if (!PREFIX.startsWith(seen)) this.release();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (!this.refused) this.release();
    cb();
  }

  private release(): void {
    this.open = true;
    if (this.held.length > 0) this.push(this.held);
    this.held = Buffer.alloc(0);
  }
}

/** A refused slave's exit, internal to the spawn engine: its QueuedChannel starts it again or fails it (never seen). */
export class SessionRefused extends Error {
  constructor(readonly stderr: string) {
    super('the server refused the session');
  }
}
