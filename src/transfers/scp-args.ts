// Pure: an scp transfer -> scp's argv. The rules that keep paths literal and options from being injected
// live here, so they can be tested without running anything.
import { invalidArgument } from '../core/errors';
import { sshConfigQuoted, sshControlPathOption } from '../core/ssh-path';
import { getQuoter } from '../quoting/get-quoter';
import type { SlaveBase } from './slave-base';

/**
 * Which scp protocol to use: `'sftp'` (`scp -s`, OpenSSH 9's default) or `'legacy'` (`scp -O`, the old rcp protocol).
 */
export type ScpMode = 'sftp' | 'legacy';

// ssh options that mean the same to scp (which passes them to its ssh). Others clash: scp's -l is a
// bandwidth limit, -p preserves times, -P is the port, -T/-X/-R/-D/-S/-B mean other things.
const SAME_FLAGS = new Set(['4', '6', 'A', 'C', 'q', 'v']);
const SAME_WITH_VALUE = new Set(['c', 'F', 'i', 'J', 'o']);

/** Keeps the ssh options scp understands the same way; anything else is an OSSH_INVALID_ARGUMENT. */
export const scpSshOpts = (opts: readonly string[]): string[] => {
  for (let i = 0; i < opts.length; i++) {
    const tok = opts[i]!;
    if (!/^-[^-]/.test(tok))
      throw invalidArgument(
        `ssh option ${JSON.stringify(tok)} cannot be passed to scp (expected -o, -F, -i, -c, -J, -4, -6, -A, ` +
          `-C, -q or -v)`,
      );
    for (let j = 1; j < tok.length; j++) {
      const c = tok[j]!;
      if (SAME_FLAGS.has(c)) continue;
      if (SAME_WITH_VALUE.has(c)) {
        if (j === tok.length - 1) i++; // the value is the next word
        if (i >= opts.length) throw invalidArgument(`ssh option -${c} needs a value`);
        break;
      }
      throw invalidArgument(
        `ssh option -${c} (in ${JSON.stringify(tok)}) means something else to scp; pass ssh settings as -o ` +
          `Keyword=value (e.g. -o User=..., -o Port=...)`,
      );
    }
  }
  return [...opts];
};

/**
 * A local path as scp must see it: scp reads `x:...` (a colon before any slash) as remote and a leading
 * `-` as an option, so such relative paths get a `./` prefix.
 */
export const localPathArg = (p: string): string => (/^[^/]*:/.test(p) || p.startsWith('-') ? `./${p}` : p);

/** A remote path for the SFTP protocol, where scp expands wildcards itself: escaped unless `glob`. */
export const sftpRemotePath = (p: string, glob: boolean): string => (glob ? p : p.replace(/[\\*?[\]]/g, '\\$&'));

/** What an scp run copies. */
export interface ScpArgsInput {
  readonly base: SlaveBase;
  readonly mode: ScpMode;
  readonly direction: 'get' | 'put';
  readonly sources: readonly string[];
  readonly target: string;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly recursive: boolean;
  readonly copyAttrs: boolean;
  readonly bwlimit?: number | undefined;
  readonly glob: boolean;
  /** Quoting for remote paths in legacy mode (the remote shell expands them there). @default 'POSIX' */
  readonly remoteShell?: string | undefined;
}

/**
 * Legacy mode carries file names in a line-based protocol: scp sends a name with a newline as `a\^Jb` (vis(3)),
 * so such a name would arrive changed. Refused here, before anything runs (SFTP mode carries it as it is).
 */
export const checkLegacyPaths = (paths: readonly string[]): void => {
  const bad = paths.find((p) => p.includes('\n'));
  if (bad !== undefined)
    throw invalidArgument(
      `scp legacy mode cannot transfer ${JSON.stringify(bad)} faithfully: its protocol is line-based and scp ` +
        "writes a newline in a name as '\\^J'; use mode: 'sftp' (the default) for names with newlines",
    );
};

/**
 * A remote path for legacy mode, quoted for the remote shell (which expands it): a relative path beginning with
 * `-` gets `./`, since scp puts `--` before it only when the quoted word itself begins with `-`.
 */
const legacyRemotePath = (p: string): string => (p.startsWith('-') ? `./${p}` : p);

/**
 * A glob pattern quoted with its last part on its own (`/a' b'/c*`, not `/a' b/'c*`): scp checks the names the
 * server sends against what follows the last `/` of the word, which must hold no quoting that the name lacks.
 */
const lastPartApart = (p: string, quote: (s: string) => string): string => {
  const k = p.lastIndexOf('/');
  if (k < 0 || k === p.length - 1) return quote(p);
  return `${k === 0 ? '' : quote(p.slice(0, k))}/${quote(p.slice(k + 1))}`;
};

/** Whether scp's name check can pass for `word` (a quoted remote path): its last part is the raw path's. */
const checkable = (word: string, raw: string): boolean =>
  word.slice(word.lastIndexOf('/') + 1) === raw.slice(raw.lastIndexOf('/') + 1);

/** scp's argv (without the binary). */
export const scpArgs = (i: ScpArgsInput): string[] => {
  const { base } = i;
  const quoter = i.mode === 'legacy' ? getQuoter(i.remoteShell ?? 'POSIX') : undefined;
  if (quoter) checkLegacyPaths([...i.sources, i.target]);
  const remotePath = (p: string, isSource: boolean): string =>
    quoter
      ? isSource && i.glob
        ? lastPartApart(legacyRemotePath(p), (x) => quoter.quoteGlob(x))
        : quoter.quote(legacyRemotePath(p))
      : isSource
        ? sftpRemotePath(p, i.glob)
        : p;
  const remote = (p: string, isSource: boolean): string => `${base.hostSquared}:${remotePath(p, isSource)}`;
  // the guard comes first: ssh keeps the first value of each -o, so nothing later can override it
  const args = ['-o', sshControlPathOption(base.ctlPath), '-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];
  args.push(...scpSshOpts(base.sshOpts), '-S', base.sshCmd);
  if (base.port !== undefined) args.push('-P', String(base.port));
  // as the master's `-l user`: quoted only, whatever this ssh does with %-tokens in a user it does with both
  if (base.user !== undefined) args.push('-o', `User=${sshConfigQuoted(base.user)}`);
  args.push(i.mode === 'sftp' ? '-s' : '-O');
  // legacy get: scp checks the names the server sends against the source as written (after its last '/'),
  // which is our quoted word ('s p.log' against s p.log), so any path that needs quoting failed ("filename
  // does not match request"). Without glob the quoted path names one file and the remote shell expands
  // nothing: the check is off (-T). With glob, scp keeps checking the names against the pattern, unless the
  // quoting reaches into its last part, where the check could never pass.
  if (quoter && i.direction === 'get' && (!i.glob || i.sources.some((p) => !checkable(remotePath(p, true), p))))
    args.push('-T');
  if (i.quiet) args.push('-q');
  if (i.verbose) args.push('-v');
  if (i.recursive) args.push('-r');
  if (i.copyAttrs) args.push('-p');
  if (i.bwlimit !== undefined) args.push('-l', String(Math.max(1, Math.round(i.bwlimit))));
  args.push('--');
  if (i.direction === 'get') args.push(...i.sources.map((s) => remote(s, true)), localPathArg(i.target));
  else args.push(...i.sources.map(localPathArg), remote(i.target, false));
  return args;
};
