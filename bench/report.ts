// The run's command line (which parts, where the JSON goes), and what the JSON says about the machine and the
// versions measured.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { perlModuleVersion } from './clients/perl';
import type { BenchResults } from './results';

/** The parts `npm run bench` knows, in the order it runs them. */
export const PARTS = ['latency', 'parallel', 'bulk', 'capture', 'bash', 'cipher'] as const;

/** Where `--json` without a file writes. */
export const DEFAULT_JSON = 'docs/bench.json';

/** The parts asked for (all when none) and the JSON file (`--json [file]`), from the command line. */
export const parseArgs = (argv: readonly string[]): { parts: Set<string>; json: string | undefined } => {
  const parts = new Set<string>();
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      const next = argv[i + 1];
      json =
        next !== undefined && !next.startsWith('-') && !(PARTS as readonly string[]).includes(next)
          ? next
          : DEFAULT_JSON;
      if (json === next) i++;
    } else if ((PARTS as readonly string[]).includes(a)) parts.add(a);
    else throw new Error(`bench: unknown argument ${a} (parts: ${PARTS.join(', ')}; --json [file])`);
  }
  return { parts: parts.size ? parts : new Set(PARTS), json };
};

/** The machine the run was on. */
export const machineInfo = (): BenchResults['machine'] => ({
  cpus: cpus().length,
  model: cpus()[0]?.model ?? '?',
  memMiB: Math.round(totalmem() / (1 << 20)),
  kernel: release(),
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
});

const packageVersion = (path: string): string => {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};

/** The versions of everything measured. */
export const versions = (): Record<string, string> => ({
  node: process.version,
  openssh: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim(),
  'net-openssh': packageVersion('package.json'),
  ssh2: packageVersion('node_modules/ssh2/package.json'),
  'Net::OpenSSH': perlModuleVersion() ?? 'not installed',
});

/** Writes the results as JSON (two-space indented). */
export const writeJson = (path: string, results: BenchResults): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
};
