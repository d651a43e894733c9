// A command's stdin, fed to its slave, and kept until the command is seen to start: a slave whose session the
// server refused (refusal-gate.ts) never opened a channel, so the master never read its stdin pipe, and what went
// into that pipe is lost with the slave. The next slave is given it again. Kept up to REPLAY_MAX bytes: beyond that,
// a refused command is not started again (its failure says the server refused it).
import type { Readable, Writable } from 'node:stream';

const REPLAY_MAX = 1024 * 1024;

/** Feeds `source` to one slave's stdin after another. */
export class StdinReplay {
  private kept: Buffer[] = [];
  private size = 0;
  private keeping = true;
  private overflow = false;
  private ended = false;
  private target: Writable | undefined;

  constructor(private readonly source: Readable) {
    source.pause();
    source.on('data', (d: Buffer) => {
      if (this.keeping) this.keep(d);
      const t = this.target;
      if (!t) return void source.pause();
      if (t.write(d)) return;
      source.pause();
      t.once('drain', () => this.target === t && source.resume());
    });
    source.once('end', () => {
      this.ended = true;
      this.target?.end();
    });
  }

  /** Whether what the current slave was given can still be given to another. */
  get replayable(): boolean {
    return !this.overflow;
  }

  /** The command runs (it wrote something): what it was given need not be kept any more. */
  started(): void {
    this.keeping = false;
    this.kept = [];
  }

  /** Feeds `target` what was kept, then the rest of the source as it comes. */
  attach(target: Writable): void {
    this.target = target;
    for (const d of this.kept) target.write(d);
    if (this.ended) target.end();
    else this.source.resume();
  }

  /** The slave is gone: hold the source until the next one. */
  detach(): void {
    this.target = undefined;
    this.source.pause();
  }

  private keep(d: Buffer): void {
    this.size += d.length;
    if (this.size <= REPLAY_MAX) return void this.kept.push(d);
    this.overflow = true;
    this.started();
  }
}
