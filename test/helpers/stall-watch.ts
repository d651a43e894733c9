// A run that stops making progress fails with what it was waiting for, instead of hanging until CI's time limit.
// uvu prints a mark for every test that ends; a test file prints its name before its first test. When nothing at all
// has been printed for `ms` (far above the longest test: a guard against hangs, not a speed check), the process
// prints what keeps its event loop alive (child processes with their argv, sockets with their ends, timers) and
// exits with code 1; the fixtures' exit hooks still stop their servers.
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** The stall limit: NET_OPENSSH_TEST_STALL_MS, else 5 minutes. */
const stallMs = (): number => {
  const v = Number(process.env.NET_OPENSSH_TEST_STALL_MS);
  return Number.isFinite(v) && v > 0 ? v : 300_000;
};

/** One line per handle that keeps the process alive, in words (Node's private list: diagnostics only). */
const describeHandles = (): string[] => {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.map((h) => {
    const name = (h as object)?.constructor?.name ?? typeof h;
    if (name === 'ChildProcess') {
      const c = h as ChildProcess;
      return `child process ${c.pid}: ${c.spawnargs.join(' ').slice(0, 300)}`;
    }
    if (name === 'Socket' || name === 'Server' || name === 'Pipe') {
      const s = h as Socket & { _pipeName?: string; _handle?: { fd?: number } };
      const ends = s.remoteAddress ? `${s.localAddress}:${s.localPort} -> ${s.remoteAddress}:${s.remotePort}` : '';
      return `${name} fd ${s._handle?.fd ?? '?'} ${ends}${s._pipeName ?? ''}`.trim();
    }
    return name;
  });
};

/**
 * Starts the watch for this process: call once, before the first test file runs. `what` names what runs now, or is
 * undefined while nothing does (a worker waiting for its next file is idle, not stalled). `beforeExit` runs just
 * before a stalled process exits (an exit hook it registers runs after the fixtures' own).
 */
export const watchStalls = (what: () => string | undefined, beforeExit?: () => void): void => {
  const ms = stallMs();
  let last = Date.now();
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((...a: unknown[]) => {
      last = Date.now();
      return write(...a);
    }) as typeof stream.write;
  }
  setInterval(
    () => {
      const running = what();
      if (running === undefined) last = Date.now();
      if (running === undefined || Date.now() - last < ms) return;
      const lines = [
        `\nno test ended for ${Math.round(ms / 1000)} s (a hang) in ${running}; what keeps the process alive:`,
        ...describeHandles().map((l) => `  ${l}`),
        `  resources: ${process.getActiveResourcesInfo().join(', ')}`,
      ];
      console.error(lines.join('\n'));
      beforeExit?.();
      process.exit(1);
    },
    Math.min(ms, 10_000),
  ).unref();
};
