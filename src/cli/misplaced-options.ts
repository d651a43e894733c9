// `net-openssh run -H web1 uptime -F cfg`: everything after the remote command's first word belongs to the
// remote command (as for `ssh host cmd args`), so the `-F cfg` meant for us would silently go to the remote
// side. Such a word is refused instead, unless `--` marks where the remote command starts.
import type { Command } from 'commander';
import { UsageError } from './exit-codes';

/** Whether `word` spells one of `cmd`'s options: `-F`, `-Fcfg`, `--config`, `--config=cfg`, `--help`. */
const isOwnOption = (cmd: Command, word: string): boolean => {
  if (word.startsWith('--')) {
    const name = word.split('=')[0]!;
    return name === '--help' || cmd.options.some((o) => o.long === name);
  }
  return word.length >= 2 && word.startsWith('-') && cmd.options.some((o) => o.short === word.slice(0, 2));
};

/**
 * Throws a UsageError when one of `cmd`'s own options follows the first of `words` (the remote command as
 * parsed from `argv`, commander's raw arguments) and no `--` came before the command.
 */
export const refuseMisplacedOptions = (cmd: Command, words: readonly string[], argv: readonly string[]): void => {
  if (argv[argv.length - words.length - 1] === '--') return;
  const misplaced = words.slice(1).find((w) => isOwnOption(cmd, w));
  if (misplaced === undefined) return;
  throw new UsageError(
    `${misplaced} comes after the remote command (${words[0]}), where it would be passed to the remote command: ` +
      `put net-openssh's options before the command, and -- before a command that has options of its own ` +
      `(net-openssh ${cmd.name()} -H web1 -- ls -l)`,
  );
};
