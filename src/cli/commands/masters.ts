// `net-openssh masters [--stop]`: the persistent masters that `run --persist` (or the library's `persist`)
// left for later runs, listed from the control directory, and ended on request.
import type { Command } from 'commander';
import { OpenSSH } from '../../openssh';
import type { PersistentMaster } from '../../core/persist/persistent-masters';
import { EXIT } from '../exit-codes';
import type { CliIO } from '../io';
import { formatDuration } from '../render/format';

/** `masters`' options as commander parses them. */
export interface MastersFlags {
  stop?: boolean;
  ctlDir?: string;
  json?: boolean;
}

const row = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');

/** The masters as a table (age: since the master began listening; idle time is not known). */
const table = (masters: readonly PersistentMaster[], verb: string | undefined): string => {
  const head = ['DESTINATION', 'PID', 'AGE', 'PERSIST', verb ? 'STATE' : 'CONTROL PATH'];
  const rows = masters.map((m) => [
    m.destination ?? '?',
    String(m.pid),
    formatDuration(m.ageSeconds * 1000),
    m.persistSeconds === undefined ? '?' : formatDuration(m.persistSeconds * 1000),
    verb ?? m.ctlPath,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `${row(r, widths)}\n`).join('');
};

// The library lists and stops; this only prints what it found, as a table or one JSON object per master.
/** Lists (or with `stop`, ends) the persistent masters in the control directory; resolves with the exit status. */
export const masters = async (flags: MastersFlags, io: CliIO): Promise<number> => {
  const options = flags.ctlDir === undefined ? {} : { ctlDir: flags.ctlDir };
  const found = flags.stop ? await OpenSSH.stopPersistentMasters(options) : await OpenSSH.persistentMasters(options);
  if (flags.json) {
    for (const m of found) {
      const { destination, pid, ageSeconds, persistSeconds, ctlPath } = m;
      const row = { destination, pid, ageSeconds, persistSeconds, ctlPath, ...(flags.stop && { stopped: true }) };
      io.stdout.write(`${JSON.stringify(row)}\n`);
    }
    return EXIT.ok;
  }
  if (found.length === 0) io.stderr.write(`no persistent masters${flags.stop ? ' to stop' : ''}\n`);
  else io.stdout.write(table(found, flags.stop ? 'stopped' : undefined));
  return EXIT.ok;
};

/** Adds `masters` to the program. */
export const registerMasters = (
  program: Command,
  act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>,
  io: CliIO,
): Command =>
  program
    .command('masters')
    .summary('list the persistent masters kept for later runs (--stop ends them)')
    .description(
      'Lists the persistent masters (kept by run --persist) in the control directory: destination, master pid, ' +
        'age (since it started listening) and how long it persists once idle. Listing counts as a use: it ' +
        'restarts their idle time.\nWith --stop, ends them all and removes stale control sockets.\nExit ' +
        'status: 0, or 2 for a usage error.',
    )
    .helpOption('--help', 'show this help')
    .option('--stop', 'end every persistent master (ssh -O exit) and remove stale control sockets')
    .option('--ctl-dir <dir>', 'the control directory (default ~/.net-openssh)')
    .option('--json', 'one JSON object per master per line on stdout, nothing else')
    .action(async (flags: MastersFlags) => {
      await act(() => masters(flags, io));
    });
