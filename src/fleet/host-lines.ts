// One host's events as lines: stdout and stderr each decoded and split on their own (a line never
// mixes the two), the last partial line flushed when the host ends.
import { Observable, type OperatorFunction } from 'rxjs';
import { ChunkDecoder } from '../observables/operators/chunk-decoder';
import { LineSplitter } from '../observables/operators/line-splitter';
import type { FleetExecEvent, FleetLineEvent } from './types';

/** Turns one host's FleetExecEvents into FleetLineEvents (a fresh decoder per subscription). */
export const hostLines =
  (host: string, encoding: string, withStderr: boolean): OperatorFunction<FleetExecEvent, FleetLineEvent> =>
  (source) =>
    new Observable<FleetLineEvent>((sub) => {
      // no line limit here (fleet lines$ has no maxLineLength option, and a host's failure is an event, not an
      // error of the stream): a long line costs memory, but the splitting stays linear
      const split = () => new LineSplitter('\n', { crlf: true, maxLineLength: Infinity });
      const streams = {
        stdout: { d: new ChunkDecoder(encoding, false, host), s: split() },
        stderr: { d: new ChunkDecoder(encoding, false, host), s: split() },
      };
      const emitter = (stream: 'stdout' | 'stderr') => (line: string) => sub.next({ type: 'line', host, stream, line });
      const flush = () => {
        for (const stream of ['stdout', 'stderr'] as const) {
          const { d, s } = streams[stream];
          const emit = stream === 'stdout' || withStderr ? emitter(stream) : () => {};
          s.push(d.end(), emit);
          s.end(emit);
        }
      };
      return source.subscribe({
        next: (e) => {
          if (e.result === undefined) {
            const stream = e.event.type;
            if (stream === 'stderr' && !withStderr) return;
            const { d, s } = streams[stream];
            s.push(d.write(e.event.data), emitter(stream));
            return;
          }
          flush();
          sub.next({ type: 'end', host, result: e.result });
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
    });
