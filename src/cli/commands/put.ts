// `net-openssh put`: local files to the same remote path on every host, with per-host progress.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { oneOf } from '../args';
import { addCommonOptions, commonSettings, type CommonFlags } from '../common-options';
import { UsageError } from '../exit-codes';
import type { CliIO } from '../io';
import { transferOnHosts } from './transfer';
import { VIAS, type Via } from './transfer-tools';

/** The flags of put and get beyond the common ones. */
export interface TransferFlags extends CommonFlags {
  via: Via;
  recursive?: boolean;
}

/** Adds `--via` and `--recursive` (put and get share them). */
export const addTransferOptions = (cmd: Command): Command =>
  addCommonOptions(cmd)
    .option('--via <tool>', `transfer tool: ${VIAS.join(', ')}`, oneOf(VIAS), 'scp')
    .option('-r, --recursive', 'copy directories recursively (scp, rsync)');

/** Splits `paths...` into sources and the last one, the target; checks what can be checked before connecting. */
const sourcesAndTarget = (paths: string[], flags: TransferFlags): { sources: string[]; target: string } => {
  if (paths.length < 2) throw new UsageError('give at least one source and a target');
  if (flags.recursive && flags.via === 'sftp') throw new UsageError('--recursive needs --via scp or rsync');
  return { sources: paths.slice(0, -1), target: paths.at(-1)! };
};

/** The action of put and get: the paths checked, then the transfer on every host; the exit status. */
export const transferAction =
  (direction: 'get' | 'put', act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>, io: CliIO) =>
  async (paths: string[], flags: TransferFlags): Promise<void> => {
    const common = commonSettings(flags);
    const { sources, target } = sourcesAndTarget(paths, flags);
    if (direction === 'put')
      for (const s of sources) if (!existsSync(s)) throw new UsageError(`no such local file: ${s}`);
    const settings = { ...common, direction, via: flags.via, recursive: flags.recursive === true, sources, target };
    await act(async (signal) => (await transferOnHosts({ ...settings, signal }, io)).status);
  };

/** Adds `put` to the program. */
export const registerPut = (
  program: Command,
  act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>,
  io: CliIO,
): Command =>
  addTransferOptions(
    program
      .command('put')
      .summary('copy local files to many hosts')
      .description(
        'Copies local files to the same remote path on every host (scp by default), with per-host progress, ' +
          'then a summary.\nExit status: 0 if every host succeeded, 1 if any failed, 2 for a usage error, 130 ' +
          'if interrupted.',
      )
      .argument('<paths...>', 'local files, then the remote path'),
  ).action(transferAction('put', act, io));
