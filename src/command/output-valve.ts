// Holds a running command's output while a Promise method's sink is full: the channel's stdout and stderr
// stop being read, so the engine stops granting window (mux) or reading the slave's pipes (spawn), and the
// server stops sending. Released once the sink drained. Meanwhile the inactivity timeout stops its clock:
// that silence is ours, not the remote side's.
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { Channel } from '../core/channel';

/** Pauses and resumes one channel's output on behalf of the sinks it feeds. */
export class OutputValve {
  private channel: Channel | undefined;
  private holds = 0;
  // made on first use (only a call with a timeout watches it): most calls never hold and never ask
  private state: BehaviorSubject<boolean> | undefined;
  private held: Observable<boolean> | undefined;

  /** Whether the output is held, as it changes (the current state first). */
  get held$(): Observable<boolean> {
    if (!this.held) {
      this.state = new BehaviorSubject(this.holds > 0);
      this.held = this.state.pipe(distinctUntilChanged());
    }
    return this.held;
  }

  /** The channel whose output this valve holds (the command started). */
  attach(ch: Channel): void {
    this.channel = ch;
    if (this.holds > 0) this.pause();
  }

  /** A sink is full: stop reading until the matching {@link release}. */
  hold(): void {
    if (this.holds++ > 0) return;
    this.pause();
    this.state?.next(true);
  }

  /** That sink drained: read again once no sink holds the output. */
  release(): void {
    if (this.holds === 0 || --this.holds > 0) return;
    this.channel?.stdout.resume();
    this.channel?.stderr.resume();
    this.state?.next(false);
  }

  private pause(): void {
    this.channel?.stdout.pause();
    this.channel?.stderr.pause();
  }
}
