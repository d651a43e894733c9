// bench:fleet's CLI part: the real `net-openssh run` (from source, through tsx, as the CLI tests run it) against
// the bench's host aliases, (a) in a pseudo-terminal, with the time each status line drawn reached us, and
// (b) with --json into a pipe, every line kept with the time it came, then checked.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { peakNodeRss } from './proc';
import { median, percentile } from './stats';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** One status line as drawn on the terminal, and when (ms since the CLI was started). */
export interface Draw {
  t: number;
  text: string;
}

/** A status line without colour: `[3/500 done | 2.3 s | running: ...]`, or cut to the width by `…`. */
const STATUS = /\[\d+\/\d+ done[^\]\r\n…]*[\]…]/g;

/**
 * Runs `net-openssh ...args` in a pseudo-terminal of `cols` columns; every status line it draws, timed, and the
 * bytes it sent to the terminal, and its peak RSS.
 */
export const cliInPty = async (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cols = 120,
): Promise<{ code: number; ms: number; draws: Draw[]; bytes: number; peakRssKiB: number }> => {
  const pty = await import('node-pty');
  const t0 = performance.now();
  const term = pty.spawn(TSX, [MAIN, ...args], { name: 'xterm', cols, rows: 40, cwd: ROOT, env: env as never });
  const rss = peakNodeRss(term.pid);
  const draws: Draw[] = [];
  let buf = '';
  let bytes = 0;
  term.onData((d) => {
    const t = performance.now() - t0;
    bytes += Buffer.byteLength(d);
    buf += d;
    let end = 0;
    for (const m of buf.matchAll(STATUS)) {
      draws.push({ t, text: m[0] });
      end = m.index + m[0].length;
    }
    // what follows the last whole status line may be the start of the next one
    buf = buf.slice(end).slice(-4096);
  });
  const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return { code, ms: performance.now() - t0, draws, bytes, peakRssKiB: rss.stop() };
};

/** Intervals between the draws that changed the picture (a redraw; drawing it again under output is not). */
export const redrawIntervals = (draws: readonly Draw[]): number[] => {
  const out: number[] = [];
  let last: Draw | undefined;
  for (const d of draws) {
    if (last && d.text === last.text) continue;
    if (last) out.push(d.t - last.t);
    last = d;
  }
  return out;
};

/**
 * `21 redraws in 5.2 s (4.0/s); interval median 101 ms, p95 485 ms, max 517 ms`, over the span from the first
 * redraw to the last. A line printed above the status line draws it again with its pending picture, so two
 * redraws may come closer than the CLI's 100 ms throttle; the ticker redraws it every 500 ms when nothing happens.
 */
export const describeIntervals = (xs: readonly number[]): string => {
  const span = xs.reduce((a, b) => a + b, 0);
  return (
    `${xs.length + 1} redraws in ${(span / 1000).toFixed(1)} s (${(xs.length / (span / 1000)).toFixed(1)}/s); ` +
    `interval median ${median(xs).toFixed(0)} ms, p95 ${percentile(xs, 95).toFixed(0)} ms, ` +
    `max ${Math.max(...xs).toFixed(0)} ms`
  );
};

/** What a `--json` run wrote: every stdout line with the time it came (ms since the CLI was started). */
export interface JsonRun {
  code: number | null;
  ms: number;
  lines: Array<{ t: number; text: string }>;
  stderr: string;
  /** The CLI's peak RSS, KiB. */
  peakRssKiB: number;
}

/** Runs `net-openssh ...args` (with `--json` among them) with stdout into a pipe. */
export const cliJson = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<JsonRun> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(TSX, [MAIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const rss = peakNodeRss(child.pid!);
    const lines: JsonRun['lines'] = [];
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const t = performance.now() - t0;
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      for (const text of parts) lines.push({ t, text });
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (partial) lines.push({ t: performance.now() - t0, text: partial }); // a last line without its newline
      resolve({ code, ms: performance.now() - t0, lines, stderr, peakRssKiB: rss.stop() });
    });
  });

/** A `--json` run checked: lines that are not JSON, hosts whose `end` is missing or repeated, the event rates. */
export interface JsonCheck {
  events: number;
  notJson: number;
  /** Hosts without exactly one `end` event (and `end` events of hosts not asked for). */
  wrongEnds: string[];
  /** Hosts whose `line` events are not `linesPerHost`. */
  wrongLines: string[];
  ok: number;
  summaryLast: boolean;
  /** Events per second from the first event to the last. */
  perSecond: number;
}

/** Checks `run` against the hosts asked for, each printing `linesPerHost` lines. */
export const checkJson = (run: JsonRun, hosts: readonly string[], linesPerHost: number): JsonCheck => {
  const ends = new Map<string, number>(hosts.map((h) => [h, 0]));
  const lineCount = new Map<string, number>(hosts.map((h) => [h, 0]));
  let notJson = 0;
  let ok = 0;
  let last: { type?: string } = {};
  for (const { text } of run.lines) {
    try {
      const e = JSON.parse(text) as { type: string; host: string; ok?: boolean };
      if (e.type === 'end') {
        ends.set(e.host, (ends.get(e.host) ?? 0) + 1);
        if (e.ok === true) ok++;
      }
      if (e.type === 'line') lineCount.set(e.host, (lineCount.get(e.host) ?? 0) + 1);
      last = e;
    } catch {
      notJson++;
    }
  }
  const span = run.lines.length > 1 ? (run.lines.at(-1)!.t - run.lines[0]!.t) / 1000 : NaN;
  return {
    events: run.lines.length,
    notJson,
    wrongEnds: [...ends].filter(([, n]) => n !== 1).map(([h, n]) => `${h}×${n}`),
    wrongLines: [...lineCount].filter(([, n]) => n !== linesPerHost).map(([h, n]) => `${h}:${n}`),
    ok,
    summaryLast: last.type === 'summary',
    perSecond: run.lines.length / span,
  };
};
