// `net-openssh get`: remote files from every host into a local directory, one subdirectory per host
// (`<dir>/<host>/<file>`), so that the same path from many hosts never collides.
import type { Command } from 'commander';
import type { CliIO } from '../io';
import { addTransferOptions, transferAction } from './put';

/** Adds `get` to the program. */
export const registerGet = (
  program: Command,
  act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>,
  io: CliIO,
): Command =>
  addTransferOptions(
    program
      .command('get')
      .summary('copy files from many hosts, one local directory per host')
      .description(
        'Copies remote files from every host into <dir>/<host>/ (created as needed; the host as given, ' +
          'characters other than letters, digits and . _ - @ : + replaced by _), with per-host progress, then ' +
          'a summary.\nExit status: 0 if every host succeeded, 1 if any failed, 2 for a usage error, 130 if ' +
          'interrupted.',
      )
      .argument('<paths...>', 'remote paths, then the local directory'),
  ).action(transferAction('get', act, io));
