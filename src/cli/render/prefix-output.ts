// The default view of a run: every line as it arrives, behind its host's coloured name, so that many
// hosts read as one stream. Remote stdout goes to stdout and remote stderr to stderr (marked `!`).
import type { HostResult } from '../../fleet/types';
import type { Paint } from '../colour';
import type { CliIO } from '../io';
import type { LiveRegion } from './live-region';
import { describeResult } from './host-result';
import type { RunLine } from './run-view';

/** Where a human view's output goes and how it is painted. */
export interface OutputContext {
  io: CliIO;
  region: LiveRegion;
  /** Colours for stdout and for stderr (each on only if that stream is a terminal). */
  out: Paint;
  err: Paint;
  /** The width host names are padded to. */
  hostWidth: number;
}

/** Receives lines and ends; prints them in some layout. */
export interface HostOutput {
  line(e: RunLine): void;
  end(r: HostResult): void;
}

/** `web1 | text` for stdout lines, `web1 ! text` for stderr lines, and `web1 ! failed: why` when a host fails. */
export const prefixOutput = (c: OutputContext): HostOutput => {
  const prefix = (p: Paint, host: string, mark: string) => `${p.host(host, host.padEnd(c.hostWidth))} ${mark}`;
  return {
    line(e) {
      if (e.stream === 'stdout') c.region.print(c.io.stdout, `${prefix(c.out, e.host, '|')} ${e.line}\n`);
      else c.region.print(c.io.stderr, `${prefix(c.err, e.host, c.err.red('!'))} ${e.line}\n`);
    },
    end(r) {
      if (r.ok) return;
      const { exit, error } = describeResult(r);
      const why = error || (r.exitCode !== null ? `exit ${exit}` : `signal ${exit}`);
      c.region.print(c.io.stderr, `${prefix(c.err, r.host, c.err.red('!'))} ${c.err.red(`failed: ${why}`)}\n`);
    },
  };
};
