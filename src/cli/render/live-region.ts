// A few lines at the bottom of a terminal that are redrawn in place (a progress line, transfer bars)
// while ordinary output scrolls above them. Output printed through `print` first wipes the region, which is
// drawn again once this turn of the event loop has printed its lines, so the two never mix and a burst of
// output (a read of many lines from many hosts) redraws it once, not under every line. Off (every call a plain
// write or nothing) when not a TTY.
import type { OutStream } from '../io';
import { fit } from './format';

const REDRAW_MS = 100;

/** The redrawn lines at the bottom of a terminal. */
export class LiveRegion {
  private drawn = 0; // lines on screen now
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastDraw = -Infinity;
  private soon: NodeJS.Immediate | undefined; // the redraw after printed output

  /**
   * @param tty where the region is drawn (stderr); when `enabled` is false nothing is ever drawn.
   * @param enabled draw at all (a terminal, and not --json).
   */
  constructor(
    private readonly tty: OutStream,
    readonly enabled: boolean,
  ) {}

  /** Writes `text` (whole lines) to `stream` above the region (drawn again at the end of this turn of the loop). */
  print(stream: OutStream, text: string): void {
    if (!this.enabled || this.drawn === 0) return void stream.write(text);
    this.erase();
    stream.write(text);
    this.drawSoon();
  }

  /**
   * Replaces the region's lines (each already cut to `width`; colour codes allowed). They are drawn at
   * once after a quiet spell, else within 100 ms (or after the next `print`): at most 10 redraws a second.
   */
  update(lines: string[]): void {
    if (!this.enabled || this.closed) return;
    this.lines = lines;
    if (this.timer) return; // a redraw is due: it will show these lines
    const wait = this.lastDraw + REDRAW_MS - performance.now();
    if (wait <= 0) return this.redraw(); // the first change after a quiet spell shows at once
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.redraw();
    }, wait);
  }

  /** Removes the region for good (before a summary). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = this.soon = undefined;
    if (this.enabled) this.erase();
  }

  /** The width lines are cut to (one less than the terminal's, so that nothing wraps). */
  get width(): number {
    return Math.max(20, (this.tty.columns ?? 80) - 1);
  }

  // drawn under every line instead, 100,000 short lines from 50 hosts sent 12 MB to the terminal for 1.2 MB of output
  private drawSoon(): void {
    if (this.soon) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      if (this.drawn === 0) this.draw();
    });
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (this.drawn === 0) return;
    this.tty.write(`\r${this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : ''}\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (this.closed || this.lines.length === 0) return;
    this.tty.write(this.lines.join('\n'));
    this.drawn = this.lines.length;
    this.lastDraw = performance.now();
  }
}

/** Fits a line to the region's width before styling (colour codes would count as characters). */
export const fitLine = (region: LiveRegion, text: string): string => fit(text, region.width);
