// `--group`: each host's output held back and printed as one block when the host ends, so that a
// host's lines stay together (in the order they came, stdout to stdout and stderr to stderr).
import type { HostResult } from '../../fleet/types';
import { describeResult } from './host-result';
import { formatDuration } from './format';
import type { HostOutput, OutputContext } from './prefix-output';
import type { RunLine } from './run-view';

/** A header `== web1: ok (0.12 s) ==` then the host's lines, printed when the host ends. */
export const groupOutput = (c: OutputContext): HostOutput => {
  const held = new Map<string, RunLine[]>();
  return {
    line(e) {
      let lines = held.get(e.host);
      if (!lines) held.set(e.host, (lines = []));
      lines.push(e);
    },
    end(r: HostResult) {
      const lines = held.get(r.host) ?? [];
      held.delete(r.host);
      const { exit, error } = describeResult(r);
      const how = r.ok ? 'ok' : error || (r.exitCode !== null ? `exit ${exit}` : `signal ${exit}`);
      const header = `== ${r.host}: ${how} (${formatDuration(r.durationMs)}) ==`;
      // runs of lines from one stream go out in one write: the block is drawn once, not line by line
      let stream: RunLine['stream'] = 'stdout';
      let text = `${r.ok ? c.out.host(r.host, header) : c.out.red(header)}\n`;
      for (const l of lines) {
        if (l.stream !== stream) {
          c.region.print(stream === 'stdout' ? c.io.stdout : c.io.stderr, text);
          stream = l.stream;
          text = '';
        }
        text += `${l.line}\n`;
      }
      c.region.print(stream === 'stdout' ? c.io.stdout : c.io.stderr, text);
    },
  };
};
