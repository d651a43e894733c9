// Runs many argv through a real shell in one process: a script of lines
// `/usr/bin/printf '%s\0' =case=<i>= <quoted args of case i> =case=<i+1>= …` that the shell runs with `-c`,
// exactly as sshd runs a remote command; stdout is split on NUL and compared byte for byte with what was sent.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommandBytes, type ByteArg } from '../../../src/quoting/command-bytes';
import { glob } from '../../../src/quoting/quoter';
import type { Quoter } from '../../../src/quoting/quoter';

/** The program that prints its argv NUL-separated (coreutils printf: `%s` copies bytes as they are). */
export const PRINTF = '/usr/bin/printf';

/** One argv to send, and the bytes each argument must arrive as. */
export interface Case {
  readonly args: readonly ByteArg[];
  readonly expected: readonly Buffer[];
}

/** A case whose arguments must arrive exactly as sent (strings as UTF-8). */
export const exact = (args: readonly (string | Buffer)[]): Case => ({
  args,
  expected: args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : a)),
});

/** The marker that starts case `i` in the printed output (no random argument looks like it). */
export const marker = (i: number): string => `=case=${i}=`;

/** Cases printed by one printf: one exec carries several argv, each led by its marker. */
export const GROUP = 20;

/** One script line: `/usr/bin/printf '%s\0'` then, for each case from `first`, its marker and its quoted arguments. */
export const groupLine = (quoter: Quoter, cases: readonly Case[], first: number, asGlob = false): Buffer =>
  buildCommandBytes(
    [
      PRINTF,
      '%s\\0',
      ...cases.flatMap((c, k) => [
        marker(first + k),
        ...c.args.map((a) => (asGlob && typeof a === 'string' ? glob(a) : a)),
      ]),
    ],
    { quoter, quoteArgs: true },
  );

// Linux caps one exec argument at 128 KiB (MAX_ARG_STRLEN); sshd hands the whole command to `shell -c`.
const MAX_SCRIPT = 100_000;

/** Splits the cases into scripts of lines, each script under MAX_SCRIPT bytes (a huge case goes alone). */
export const scripts = (
  quoter: Quoter,
  cases: readonly Case[],
  asGlob = false,
  maxScript = MAX_SCRIPT,
): { first: number; count: number; script: Buffer }[] => {
  const out: { first: number; count: number; lines: Buffer[]; size: number }[] = [];
  for (let i = 0; i < cases.length; ) {
    let n = Math.min(GROUP, cases.length - i);
    let line = groupLine(quoter, cases.slice(i, i + n), i, asGlob);
    while (line.length > maxScript / 4 && n > 1)
      line = groupLine(quoter, cases.slice(i, i + (n = Math.ceil(n / 2))), i, asGlob);
    const last = out.at(-1);
    if (last && last.size + line.length + 1 <= maxScript) {
      last.lines.push(line);
      last.count += n;
      last.size += line.length + 1;
    } else out.push({ first: i, count: n, lines: [line], size: line.length + 1 });
    i += n;
  }
  return out.map(({ first, count, lines }) => ({
    first,
    count,
    script: Buffer.concat(lines.flatMap((l) => [l, NEWLINE])),
  }));
};
const NEWLINE = Buffer.from('\n');

/** What came back: per case, the arguments received (undefined when the case's marker never arrived). */
export const parseOutput = (out: Buffer, first: number, count: number): (Buffer[] | undefined)[] => {
  const got: (Buffer[] | undefined)[] = Array.from({ length: count }, () => undefined);
  let current: Buffer[] | undefined;
  for (let at = 0; at < out.length; ) {
    const end = out.indexOf(0, at);
    if (end === -1) break;
    const field = out.subarray(at, end);
    at = end + 1;
    const m = /^=case=(\d+)=$/.exec(field.toString('latin1'));
    const idx = m ? Number(m[1]) - first : -1;
    if (m && idx >= 0 && idx < count && got[idx] === undefined) got[idx] = current = [];
    else current?.push(field);
  }
  return got;
};

/** Result of running a script. */
export interface Run {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs a command (argv, no local shell) and collects its output; `input` goes to stdin. */
export const run = (argv: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const [cmd, ...rest] = argv as [string, ...string[]];
    const child = spawn(cmd, rest, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), code }));
  });

/** A private scratch directory (HOME and cwd of the local shells), removed by the returned function. */
export const scratchDir = (prefix: string): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * Runs `argv` with `last` appended as its final argument, bytes as they are: Node can only pass UTF-8 in
 * argv, so the bytes go through a file and `xargs -0`.
 */
export const runWithLastArg = async (
  argv: readonly string[],
  last: Buffer,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; scriptDir: string },
): Promise<Run> => {
  const file = join(opts.scriptDir, `script-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, last);
  try {
    return await run(['xargs', '-0', '-a', file, '--', ...argv], opts);
  } finally {
    rmSync(file, { force: true });
  }
};

/** Runs `script` with `shell -c`, as sshd runs a remote command. */
export const runScript = (
  shellArgv: readonly string[],
  script: Buffer,
  opts: { cwd: string; env: NodeJS.ProcessEnv; scriptDir: string },
): Promise<Run> => runWithLastArg([...shellArgv, '-c'], script, opts);
