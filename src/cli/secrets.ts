// What the CLI prints itself (usage errors, commander's complaints, an unexpected error) passes through the
// library's scrubber with the passwords of the destinations on the command line, so that no message shows
// one, even one that quotes what was typed. The messages that quote a destination also show it redacted.
import { scrubSecrets } from '../core/debug/scrub';
import { passwordRange } from '../core/destination';
import { hostList } from './args';

/**
 * The passwords of the `user:password@host` destinations in `argv` before `--`: each word split at commas as
 * `-H` splits it (`-H v`, `-Hv`, `--hosts=v` alike). Any such word counts, not only `-H` values: commander
 * quotes a misplaced one (`unknown command 'u:pw@h'`), and scrubbing a word that was no password costs nothing.
 */
export const commandLineSecrets = (argv: readonly string[]): string[] => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end))
    .flatMap((w) => hostList(w))
    .flatMap((d) => {
      const r = passwordRange(d);
      return r && r.end > r.start ? [d.slice(r.start, r.end)] : [];
    });
};

/** A scrubber for the messages of one CLI run: `text` without the passwords given on its command line. */
export const messageScrubber =
  (argv: readonly string[]): ((text: string) => string) =>
  (text) =>
    scrubSecrets(text, commandLineSecrets(argv));
