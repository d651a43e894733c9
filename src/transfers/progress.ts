// Transfer progress: the event type, the rsync `--info=progress2` parser, and the Linux /proc I/O counters
// that stand in for scp's progress meter (which it only draws on a terminal).
import { readFileSync } from 'node:fs';

/** One progress report of a transfer. */
export interface TransferProgress {
  /** Bytes transferred so far (all files together). */
  bytes: number;
  /** Bytes the whole transfer will move, when known (scp put: the local sizes; rsync: its own estimate). */
  total?: number | undefined;
  /** Bytes per second, averaged over the last few seconds, when known. */
  rate?: number | undefined;
  /** The file being transferred, when the tool says. */
  file?: string | undefined;
}

const UNITS: Record<string, number> = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

// rsync --info=progress2 draws one line per update, ended by \r (or \n at the end):
//   "    4,259,840  14%    4.03MB/s    0:00:06  " and "   30,000,000 100%   10.19MB/s    0:00:02 (xfr#1, to-chk=0/1)"
const PROGRESS2 = /^\s*([\d,.]+)\s+(\d{1,3})%\s+([\d.]+)([kKMGT]?B)\/s\s+\S+/;

/** Parses one rsync progress2 line; undefined when the line is something else (file names, messages). */
export const parseRsyncProgress = (line: string): TransferProgress | undefined => {
  const m = PROGRESS2.exec(line);
  if (!m) return undefined;
  const bytes = Number(m[1]!.replace(/[,.]/g, ''));
  const percent = Number(m[2]);
  const rate = Number(m[3]) * (UNITS[m[4]!] ?? 1);
  const total = percent > 0 ? Math.round((bytes * 100) / percent) : undefined;
  return { bytes, total: percent === 100 ? bytes : total, rate: Number.isFinite(rate) ? rate : undefined };
};

/** Splits a byte stream into \r- or \n-terminated lines (rsync redraws with \r). */
export class LineSplitter {
  private rest = '';
  push(chunk: Buffer | string): string[] {
    const parts = (this.rest + chunk.toString()).split(/[\r\n]/);
    this.rest = parts.pop() ?? '';
    return parts.filter((p) => p.trim() !== '');
  }
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r.trim() === '' ? [] : [r];
  }
}

/** A process's cumulative I/O (bytes passed to read/write calls), or undefined where /proc is missing. */
export const processIo = (pid: number): { rchar: number; wchar: number } | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    const r = { rchar: get('rchar'), wchar: get('wchar') };
    return Number.isFinite(r.rchar) && Number.isFinite(r.wchar) ? r : undefined;
  } catch {
    return undefined;
  }
};

/** A moving rate over the last few samples. */
export class RateMeter {
  private samples: Array<[t: number, bytes: number]> = [];
  constructor(private readonly windowMs = 3000) {}
  sample(bytes: number, t = Date.now()): number | undefined {
    this.samples.push([t, bytes]);
    while (this.samples.length > 2 && t - this.samples[0]![0] > this.windowMs) this.samples.shift();
    const [t0, b0] = this.samples[0]!;
    return t > t0 ? ((bytes - b0) * 1000) / (t - t0) : undefined;
  }
}
