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
      const streams = {
        stdout: { d: new ChunkDecoder(encoding, false, host), s: new LineSplitter('\n', { crlf: true }) },
        stderr: { d: new ChunkDecoder(encoding, false, host), s: new LineSplitter('\n', { crlf: true }) },
      };
      const emit = (stream: 'stdout' | 'stderr', lines: string[]) => {
        for (const line of lines) sub.next({ type: 'line', host, stream, line });
      };
      const flush = () => {
        for (const stream of ['stdout', 'stderr'] as const) {
          const { d, s } = streams[stream];
          const rest = [...s.push(d.end()), ...s.end()];
          if (stream === 'stdout' || withStderr) emit(stream, rest);
        }
      };
      return source.subscribe({
        next: (e) => {
          if (e.result === undefined) {
            const stream = e.event.type;
            if (stream === 'stderr' && !withStderr) return;
            const { d, s } = streams[stream];
            emit(stream, s.push(d.write(e.event.data)));
            return;
          }
          flush();
          sub.next({ type: 'end', host, result: e.result });
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
    });
