// The one-line picture of a run while hosts are pending (terminals only): how many are done and
// failed, which are running their command and which are still connecting, and the time so far.
import type { MasterStateName } from '../../core/master-state';
import type { Paint } from '../colour';
import { fit, formatDuration } from './format';

type Phase = 'queued' | 'connecting' | 'running' | 'done' | 'failed';

/** Tracks every host's phase from master states and end events; renders the status line. */
export class RunStatus {
  private readonly phase = new Map<string, Phase>();
  private readonly start = performance.now();

  constructor(private readonly hosts: readonly string[]) {
    for (const h of hosts) this.phase.set(h, 'queued');
  }

  /** A host's master changed state (until the host has ended). */
  master(host: string, state: MasterStateName): void {
    const now = this.phase.get(host);
    if (now === 'done' || now === 'failed') return;
    this.phase.set(host, state === 'running' ? 'running' : state === 'idle' ? 'queued' : 'connecting');
  }

  /** A host ended. */
  ended(host: string, ok: boolean): void {
    this.phase.set(host, ok ? 'done' : 'failed');
  }

  /** Hosts that have not ended. */
  get pending(): number {
    return this.hosts.filter((h) => !['done', 'failed'].includes(this.phase.get(h)!)).length;
  }

  /** The status line, cut to `width`, then coloured. */
  line(width: number, p: Paint): string {
    const of = (ph: Phase) => this.hosts.filter((h) => this.phase.get(h) === ph);
    const failed = of('failed').length;
    const ended = of('done').length + failed;
    const parts = [
      `${ended}/${this.hosts.length} done${failed ? `, ${failed} failed` : ''}`,
      formatDuration(performance.now() - this.start),
    ];
    const running = of('running');
    const connecting = of('connecting');
    const queued = of('queued');
    if (running.length) parts.push(`running: ${running.join(' ')}`);
    if (connecting.length) parts.push(`connecting: ${connecting.join(' ')}`);
    if (queued.length) parts.push(`queued: ${queued.length}`);
    return p.dim(fit(`[${parts.join(' | ')}]`, width));
  }
}
