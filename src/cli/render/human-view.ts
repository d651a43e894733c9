// A run for people: the output (prefixed lines or blocks per host), a status line while hosts are
// pending (terminals only), and the summary table at the end, all on the right streams.
import type { FleetHostState, HostResult } from '../../fleet/types';
import { colourFor, paint } from '../colour';
import type { CliIO } from '../io';
import { policyNotes } from '../../fleet/run-policies';
import { describeResult } from './host-result';
import { LiveRegion } from './live-region';
import { groupOutput } from './group-output';
import { prefixOutput } from './prefix-output';
import { RunStatus } from './run-status';
import type { RunLine, RunOutcome, RunView } from './run-view';
import { summaryTable } from './summary-table';

const TICK_MS = 500;

/** The view of `run` without `--json`; `group` prints each host's output as a block. */
export const humanRunView = (io: CliIO, hosts: readonly string[], group: boolean): RunView => {
  const region = new LiveRegion(io.stderr, io.stderr.isTTY === true);
  const out = paint(colourFor(io.stdout, io.env), hosts);
  const err = paint(colourFor(io.stderr, io.env), hosts);
  const ctx = { io, region, out, err, hostWidth: Math.min(30, Math.max(...hosts.map((h) => h.length))) };
  const output = group ? groupOutput(ctx) : prefixOutput(ctx);
  const status = new RunStatus(hosts);
  const redraw = () => region.update([status.line(region.width, err)]);
  // the elapsed time moves even when no host says anything
  const ticker = region.enabled ? setInterval(redraw, TICK_MS) : undefined;
  ticker?.unref();
  redraw();
  return {
    state(s: FleetHostState) {
      status.master(s.host, s.state.name);
      redraw();
    },
    line(e: RunLine) {
      output.line(e);
    },
    end(r: HostResult) {
      status.ended(r.host, r.ok);
      redraw(); // before the output, so that the region drawn again under it is current
      output.end(r);
    },
    finish(o: RunOutcome) {
      clearInterval(ticker);
      region.close();
      const rows = o.results.map((r) => {
        const { exit, error } = describeResult(r);
        return {
          host: r.host,
          ok: r.ok,
          exit,
          durationMs: r.interrupted || (r.durationMs === 0 && r.exitCode === null) ? undefined : r.durationMs,
          error: r.interrupted ? 'interrupted' : error,
        };
      });
      io.stderr.write(
        `\n${summaryTable(rows, o.durationMs, err, { width: region.enabled ? region.width : undefined })}`,
      );
      // which of the run's policies acted (retries, abort, budget), one line each
      for (const note of policyNotes(o.results)) io.stderr.write(`${err.bold(note)}\n`);
    },
  };
};
