// Pure: an rsync transfer -> rsync's argv: the `-e` transport string in rsync's own splitting rules, the
// mapping of other option keys to rsync long options, and remote paths quoted for the remote shell.
import { invalidArgument } from '../core/errors';
import { getQuoter } from '../quoting/get-quoter';
import { localPathArg } from './scp-args';

// rsync splits its -e string on spaces only; single or double quotes group, and inside quotes a doubled
// quote is a literal one; backslashes are not special. (rsync(1), --rsh; checked against rsync 3.5.)
/** One word for rsync's `-e` string. */
export const rsyncRshWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "''")}'`);

/** The `-e` string for an ssh argv (binary first). */
export const rsyncRsh = (argv: readonly string[]): string => argv.map(rsyncRshWord).join(' ');

// Options net-openssh manages itself, or that would make rsync leave the master (Net::OpenSSH's list, plus
// the argument-protection switches: remote paths are quoted here, so rsync must pass them as they are).
const FORBIDDEN = new Set([
  'rsh',
  'e',
  'address',
  'port',
  'sockopts',
  'password-file',
  'write-batch',
  'only-write-batch',
  'read-batch',
  'ipv4',
  'ipv6',
  'version',
  'help',
  'daemon',
  'config',
  'detach',
  'protect-args',
  'secluded-args',
  's',
  'old-args',
  'list-only',
  'server',
  'sender',
]);

/** `safeLinks` / `safe_links` / `safe-links` -> `safe-links`. */
export const rsyncOptionName = (key: string): string =>
  key
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/** Other option keys as rsync long options: true `--k`, false omitted, a value `--k=v`, an array repeats. */
export const rsyncLongOptions = (extra: Readonly<Record<string, unknown>>): string[] => {
  const out: string[] = [];
  for (const [key, v] of Object.entries(extra)) {
    if (v === undefined || v === false) continue;
    const name = rsyncOptionName(key);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw invalidArgument(`\`${key}\` is not an rsync option name`);
    const plain = name.replace(/^no-/, '');
    if (FORBIDDEN.has(name) || FORBIDDEN.has(plain))
      throw invalidArgument(
        `rsync option --${name} cannot be used here (net-openssh sets the transport and argument handling itself)`,
      );
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      if (x === true) out.push(`--${name}`);
      else if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) {
        if (String(x).includes('\0')) throw invalidArgument(`rsync option --${name} must not contain a NUL byte`);
        out.push(`--${name}=${x}`);
      } else
        throw invalidArgument(
          `Expected rsync option \`${key}\` to be true, false, a string, a number or an array of them`,
          x,
        );
    }
  }
  return out;
};

/** rsync's exit codes (rsync(1), EXIT VALUES). */
const EXIT: Record<number, string> = {
  1: 'syntax or usage error',
  2: 'protocol incompatibility',
  3: 'errors selecting input/output files or dirs',
  4: 'requested action not supported',
  5: 'error starting client-server protocol',
  6: 'daemon unable to append to log-file',
  10: 'error in socket I/O',
  11: 'error in file I/O',
  12: 'error in rsync protocol data stream',
  13: 'errors with program diagnostics',
  14: 'error in IPC code',
  20: 'received SIGUSR1 or SIGINT',
  21: 'some error returned by waitpid()',
  22: 'error allocating core memory buffers',
  23: 'partial transfer due to error',
  24: 'partial transfer due to vanished source files',
  25: 'the --max-delete limit stopped deletions',
  30: 'timeout in data send/receive',
  35: 'timeout waiting for daemon connection',
  255: 'the ssh transport failed',
};
export const rsyncExitMeaning = (code: number): string | undefined => EXIT[code];

/** What an rsync run copies. */
export interface RsyncArgsInput {
  /** The ssh argv up to the host (binary first): becomes `-e`. */
  readonly sshArgvNoHost: readonly string[];
  readonly hostSquared: string;
  readonly direction: 'get' | 'put';
  readonly sources: readonly string[];
  readonly target: string;
  readonly quiet: boolean;
  readonly verbose: number;
  readonly recursive: boolean;
  readonly copyAttrs: boolean;
  /** rsync's own unit, KiB/s, passed as is (as Net::OpenSSH does; scp's `-l` is Kbit/s). */
  readonly bwlimit?: number | undefined;
  readonly timeout?: number | undefined;
  readonly progress: boolean;
  readonly glob: boolean;
  readonly remoteShell?: string | undefined;
  readonly extra: Readonly<Record<string, unknown>>;
}

/** rsync's argv (without the binary). */
export const rsyncArgs = (i: RsyncArgsInput): string[] => {
  const quoter = getQuoter(i.remoteShell ?? 'POSIX');
  const remote = (p: string, isSource: boolean) =>
    `${i.hostSquared}:${isSource && i.glob ? quoter.quoteGlob(p) : quoter.quote(p)}`;
  // --old-args: rsync >= 3.2.4 would otherwise escape the already quoted remote paths a second time
  const args = ['-e', rsyncRsh(i.sshArgvNoHost), '--old-args'];
  if (i.quiet) args.push('-q');
  if (i.verbose > 0) args.push(`-${'v'.repeat(i.verbose)}`);
  if (i.recursive) args.push('-r');
  if (i.copyAttrs) args.push('-pt');
  if (i.bwlimit !== undefined) args.push(`--bwlimit=${i.bwlimit}`);
  if (i.timeout !== undefined) args.push(`--timeout=${Math.max(1, Math.ceil(i.timeout))}`);
  if (i.progress) args.push('--info=progress2');
  args.push(...rsyncLongOptions(i.extra), '--');
  if (i.direction === 'get') args.push(...i.sources.map((s) => remote(s, true)), localPathArg(i.target));
  else args.push(...i.sources.map(localPathArg), remote(i.target, false));
  return args;
};
