// Runs one local transfer tool (scp, rsync) that rides on the master: output routing, progress, the
// inactivity timeout, cancellation, and the error that names what failed. One place for both tools.
import { spawn } from 'node:child_process';
import { ReplaySubject, type Observable } from 'rxjs';
import type { TransferConnection } from '../conn';
import { OpenSSHError, aborted, exitDescription, slaveFailed, slaveTimeout, stderrTail } from '../core/errors';
import { TailSink, inheritSink, optionSink, teeSink, type Sink } from '../core/output-sink';
import { masterFailure } from './slave-base';
import { sftpOnlyFailure } from './sftp-only';
import { LineSplitter, RateMeter, parseRsyncProgress, processIo, type TransferProgress } from './progress';
import type { NormalTransferOptions } from './transfer-options';

/** A running transfer (what `async: true` resolves with). */
export interface TransferHandle {
  /** The local tool's process id (scp or rsync). */
  readonly pid: number | undefined;
  /** Progress reports; completes when the transfer ends, successfully or not (the outcome is `done`). */
  readonly progress$: Observable<TransferProgress>;
  /** Resolves true when the transfer succeeded; rejects with an OpenSSHError naming what failed. */
  readonly done: Promise<true>;
  /** Ends the transfer (the tool and its ssh process); `done` then rejects with OSSH_ABORTED. */
  kill(signal?: NodeJS.Signals): void;
}

/** How progress is measured for one run. */
export type ProgressSource =
  | { kind: 'rsync' } // parse --info=progress2 from stdout
  | { kind: 'io'; counter: 'rchar' | 'wchar'; total?: number | undefined }; // the tool's /proc I/O counter

/** One tool run. */
export interface ToolRun {
  readonly ssh: TransferConnection;
  readonly tool: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** What is being transferred, for messages: `get '/srv/a' -> '/tmp'`. */
  readonly what: string;
  readonly o: NormalTransferOptions;
  readonly progress?: ProgressSource | undefined;
  /** Enforce `o.timeout` here (rsync also gets its own `--timeout`, which bounds the remote side too). */
  readonly watchdog: boolean;
  /** The exit code with which the tool reports its own timeout (rsync: 30), made an OSSH_SLAVE_TIMEOUT. */
  readonly timeoutExit?: number | undefined;
  /** Extra words for an exit code (rsync's table). */
  readonly exitMeaning?: ((code: number) => string | undefined) | undefined;
  /** After success: the bytes the transfer moved, when they can be counted locally (scp get). */
  readonly finalBytes?: (() => number | undefined) | undefined;
}

const KILL_GRACE_MS = 2000;
const IO_POLL_MS = 250;
const RELEASE_MS = 200;

/** The error for a tool that exited non-zero: names the tool, the paths and the tool's last stderr line. */
export const toolFailed = (
  run: Pick<ToolRun, 'tool' | 'what' | 'exitMeaning'>,
  host: string,
  code: number | null,
  signal: string | null,
  stderr: string,
): OpenSSHError => {
  const how = `${run.tool} ${exitDescription(code, signal)}`;
  const meaning = code === null ? undefined : run.exitMeaning?.(code);
  // tools often end with a summary line ("failed to upload file ..."): keep the last few lines, not just one, and
  // the first line that names a system error (rsync: `write failed on "x": No space left on device (28)`), which a
  // busy run can push above them (a broken pipe, "connection unexpectedly closed"...)
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.slice(-3);
  const cause = lines.find((l) => /: [^:]+ \(\d+\)$/.test(l));
  const said = (cause && !last.includes(cause) ? [cause, ...last] : last).join('; ');
  return new OpenSSHError(
    'OSSH_SLAVE_CMD_FAILED',
    `${run.tool} failed: ${run.what}: ${how}${meaning ? ` (${meaning})` : ''}${said ? `: ${said.slice(-600)}` : ''}`,
    {
      host,
      exitCode: code,
      signal,
      stderr: stderr ? stderrTail(stderr) : undefined,
    },
  );
};

/** Starts the tool; returns its handle at once. */
export const startTransfer = (run: ToolRun): TransferHandle => {
  const { o, ssh } = run;
  const host = ssh.getHost();
  const subject = new ReplaySubject<TransferProgress>(1);
  const listener = o.progress;
  if (listener && listener !== true)
    subject.subscribe(
      typeof listener === 'function'
        ? { next: listener }
        : { next: (p) => listener.next?.(p), complete: () => listener.complete?.() },
    );

  const tail = new TailSink();
  const stdoutSink: Sink =
    optionSink({ fh: o.stdoutFh, file: o.stdoutFile, discard: o.stdoutDiscard }, host) ?? inheritSink('stdout');
  const stderrUser: Sink = o.stderrToStdout
    ? stdoutSink
    : (optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? inheritSink('stderr'));
  const stderrSink = teeSink(stderrUser, tail);

  // its own process group: ending the transfer ends the tool's ssh too, even a stopped one (SIGKILL to the group)
  const child = spawn(run.cmd, [...run.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: run.env ?? process.env,
    detached: true,
  });
  let lastActivity = Date.now();
  let ending: 'timeout' | 'abort' | undefined;
  const rate = new RateMeter();
  let last: TransferProgress | undefined;
  const emit = (p: TransferProgress) => {
    last = p;
    subject.next(p);
  };

  const timers: NodeJS.Timeout[] = [];
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig); // the group is gone already
    }
  };
  const kill = (sig: NodeJS.Signals = 'SIGTERM') => {
    if (child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) signalGroup(sig);
    // until every holder of the tool's pipes is gone ('close'), escalate: the tool's ssh may outlive it
    const force = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    force.unref();
    child.once('close', () => clearTimeout(force));
  };

  // stdout: rsync progress lines become events; everything else goes where the caller asked
  const splitter = run.progress?.kind === 'rsync' ? new LineSplitter() : undefined;
  child.stdout!.on('data', (c: Buffer) => {
    lastActivity = Date.now();
    if (!splitter) return stdoutSink.write(c);
    for (const line of splitter.push(c)) {
      const p = parseRsyncProgress(line);
      if (p) emit({ ...p, file: p.file ?? last?.file });
      else stdoutSink.write(Buffer.from(`${line}\n`));
    }
  });
  child.stderr!.on('data', (c: Buffer) => {
    lastActivity = Date.now();
    stderrSink.write(c);
  });

  const src = run.progress;
  if (src?.kind === 'io' && child.pid !== undefined) {
    const pid = child.pid;
    let base: number | undefined;
    let prev = -1;
    const poll = () => {
      const io = processIo(pid);
      if (!io) return;
      const v = io[src.counter];
      base ??= v;
      if (v === prev) return;
      prev = v;
      lastActivity = Date.now();
      const bytes = src.total === undefined ? v - base : Math.min(v - base, src.total);
      emit({ bytes, total: src.total, rate: rate.sample(bytes) });
    };
    poll();
    const t = setInterval(poll, IO_POLL_MS);
    t.unref();
    timers.push(t);
  }
  if (run.watchdog && o.timeout !== undefined && src?.kind !== 'io' && child.pid !== undefined) {
    // no progress counter: the tool's own reads and writes (its pipes to ssh included) are its activity
    const pid = child.pid;
    let prev = -1;
    const t = setInterval(() => {
      const io = processIo(pid);
      const v = io === undefined ? prev : io.rchar + io.wchar;
      if (v !== prev) lastActivity = Date.now();
      prev = v;
    }, IO_POLL_MS);
    t.unref();
    timers.push(t);
  }
  if (run.watchdog && o.timeout !== undefined) {
    const ms = o.timeout * 1000;
    const t = setInterval(
      () => {
        if (Date.now() - lastActivity < ms || ending) return;
        ending = 'timeout';
        kill();
      },
      Math.max(50, Math.min(1000, ms / 4)),
    );
    t.unref();
    timers.push(t);
  }
  child.once('exit', () => {
    if (!ending) return;
    // The tool's ssh passed its stderr to the master, which keeps it while the remote side is stuck (a FIFO, a
    // hung server): once the tool we ended is gone, let go of our ends so that the transfer settles now.
    const t = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, RELEASE_MS);
    t.unref();
    child.once('close', () => clearTimeout(t));
  });
  const onAbort = () => {
    ending ??= 'abort';
    kill();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();

  const done = new Promise<true>((resolve, reject) => {
    let spawnError: Error | undefined;
    child.once('error', (e) => (spawnError = e));
    child.once('close', async (code, signal) => {
      for (const t of timers) clearInterval(t);
      o.signal?.removeEventListener('abort', onAbort);
      for (const line of splitter?.flush() ?? []) {
        const p = parseRsyncProgress(line);
        if (p) emit(p);
        else stdoutSink.write(Buffer.from(line));
      }
      let sinkError: unknown;
      await Promise.all([stdoutSink.end(), stderrUser === stdoutSink ? undefined : stderrUser.end()]).catch(
        (e) => (sinkError = e),
      );
      const sig = signal ? signal.replace(/^SIG/, '') : null;
      const outcome = await (async (): Promise<OpenSSHError | undefined> => {
        if (spawnError)
          return slaveFailed(host, `${run.tool} (${run.cmd}) could not be started: ${spawnError.message}`, spawnError);
        if (ending === 'timeout') return slaveTimeout(host, o.timeout!, true);
        if (ending === 'abort') return aborted(host, o.signal?.reason);
        if (code === 0 && !sig) return undefined;
        if (o.timeout !== undefined && code === run.timeoutExit) return slaveTimeout(host, o.timeout, true);
        const { tool } = run;
        const asked = { ssh, host, tool, stderr: tail.text, sshOpts: o.sshOpts, timeout: o.timeout };
        return masterFailure(ssh) ?? (await sftpOnlyFailure(asked)) ?? toolFailed(run, host, code, sig, tail.text);
      })();
      const final = outcome ? undefined : src?.kind === 'io' ? (src.total ?? run.finalBytes?.()) : undefined;
      if (final !== undefined) emit({ bytes: final, total: final, rate: last?.rate });
      else if (!outcome && last?.total !== undefined && last.bytes !== last.total) emit({ ...last, bytes: last.total });
      subject.complete();
      if (outcome) reject(outcome);
      else if (sinkError) reject(sinkError);
      else resolve(true);
    });
  });
  return {
    pid: child.pid,
    progress$: subject.asObservable(),
    done,
    kill: (sig: NodeJS.Signals = 'SIGTERM') => {
      ending ??= 'abort';
      kill(sig);
    },
  };
};

/** Starts the run; resolves with the handle (`async`) or with true once it succeeded. */
export const runTransfer = async (run: ToolRun): Promise<true | TransferHandle> => {
  const h = startTransfer(run);
  if (run.o.async) {
    h.done.catch(() => {}); // the caller awaits `done`; never an unhandled rejection in between
    return h;
  }
  return h.done;
};
