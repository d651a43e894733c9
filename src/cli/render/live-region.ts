// A few lines at the bottom of a terminal that are redrawn in place (a progress line, transfer bars)
// while ordinary output scrolls above them. Output printed through `print` first wipes the region and
// then draws it again, so the two never mix. Off (every call a plain write or nothing) when not a TTY.
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

  /**
   * @param tty where the region is drawn (stderr); when `enabled` is false nothing is ever drawn.
   * @param enabled draw at all (a terminal, and not --json).
   */
  constructor(
    private readonly tty: OutStream,
    readonly enabled: boolean,
  ) {}

  /** Writes `text` (whole lines) to `stream` above the region. */
  print(stream: OutStream, text: string): void {
    if (!this.enabled || this.drawn === 0) return void stream.write(text);
    this.erase();
    stream.write(text);
    this.draw();
  }

  /**
   * Replaces the region's lines (each already cut to `width`; colour codes allowed). They are drawn at
   * once after a quiet spell, else within 100 ms (or at the next `print`): at most 10 redraws a second.
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
    this.timer = undefined;
    if (this.enabled) this.erase();
  }

  /** The width lines are cut to (one less than the terminal's, so that nothing wraps). */
  get width(): number {
    return Math.max(20, (this.tty.columns ?? 80) - 1);
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
