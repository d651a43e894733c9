// `remote$(ssh)`: zx's `$` whose commands run on the remote host. zx is given our spawn (the command goes
// over the connection) and the connection's quoter (every interpolation arrives as one literal
// word), so its ProcessPromise, pipes, nothrow, quiet, timeout and kill work as documented by zx.
import { $ as zx$, type Options, type ProcessPromise } from 'zx/core';
import { invalidArgument } from '../core/errors';
import { pickKnown } from '../core/validate';
import type { RemoteChild } from './remote-child';
import { remoteSpawn, remoteSpawnSync, type ZxConnection } from './remote-spawn';

/** zx options that mean something for a remote command (cwd, env, shell, sync, spawn are local: refused). */
export type RemoteShellOptions = Partial<
  Pick<
    Options,
    | 'nothrow'
    | 'quiet'
    | 'verbose'
    | 'timeout'
    | 'timeoutSignal'
    | 'killSignal'
    | 'input'
    | 'signal'
    | 'ac'
    | 'stdio'
    | 'halt'
    | 'prefix'
    | 'postfix'
    | 'delimiter'
    | 'log'
  >
>;

const ALLOWED = new Set([
  'nothrow',
  'quiet',
  'verbose',
  'timeout',
  'timeoutSignal',
  'killSignal',
  'input',
  'signal',
  'ac',
  'stdio',
  'halt',
  'prefix',
  'postfix',
  'delimiter',
  'log',
]);

/** A zx-style tagged template running on one connection; called with options, a new one with them. */
export interface RemoteShell {
  (pieces: TemplateStringsArray, ...args: unknown[]): ProcessPromise;
  (options: RemoteShellOptions): RemoteShell;
}

/** zx's `kill()` signals a local pid; ours signals the remote command through its child. */
const adopt = (pp: ProcessPromise, killSignal: NodeJS.Signals | undefined): ProcessPromise => {
  Object.defineProperty(pp, 'kill', {
    configurable: true,
    writable: true,
    value: async (signal?: NodeJS.Signals | null): Promise<void> => {
      if (pp.output) throw invalidArgument('remote$: too late to kill: the remote command has ended');
      const child = pp.child as unknown as RemoteChild | undefined;
      if (!child)
        throw invalidArgument('remote$: cannot kill a command that has not started (halted: call run() first)');
      child.kill(signal ?? killSignal ?? zx$.killSignal ?? 'SIGTERM');
    },
  });
  return pp;
};

/**
 * A zx `$` for `ssh`: `await remote$(ssh)\`ls ${dir}\`` runs `ls` remotely with `dir` quoted by the
 * connection's quoter (arrays become several quoted words). The result is zx's own ProcessPromise.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH } from 'net-openssh';
 * import { remote$ } from 'net-openssh/zx'; // zx is an optional peer dependency: npm install zx
 *
 * const ssh = new OpenSSH('web1');
 * const $ = remote$(ssh);
 * const files = await $`ls ${'/var/log'}`.lines();
 * const { exitCode } = await $({ nothrow: true })`test -d ${'/srv/app'}`;
 * ```
 *
 * @param ssh The connection (an `OpenSSH`).
 * @param options zx options for every command of this `$` (see {@link RemoteShellOptions}). `prefix` and `postfix`
 * default to `''`.
 */
export const remote$ = (ssh: ZxConnection, options: RemoteShellOptions = {}): RemoteShell => {
  const own = pickKnown<RemoteShellOptions>(options, ALLOWED, 'remote$') as RemoteShellOptions;
  const zxOptions: Partial<Options> = {
    prefix: '', // zx's bash prefix (set -euo pipefail) would fail on a remote sh without pipefail
    postfix: '',
    ...own,
    shell: true, // required by zx, not used: the remote login shell runs the command line
    preferLocal: false,
    spawn: remoteSpawn(ssh) as unknown as Options['spawn'],
    spawnSync: remoteSpawnSync(ssh) as unknown as Options['spawnSync'],
    quote: (s: string) => ssh.shellQuote(s),
  };
  const shell = (
    first: TemplateStringsArray | RemoteShellOptions,
    ...args: unknown[]
  ): ProcessPromise | RemoteShell => {
    if (Array.isArray(first)) return adopt(zx$(zxOptions)(first as TemplateStringsArray, ...args), own.killSignal);
    return remote$(ssh, { ...own, ...(first as RemoteShellOptions) });
  };
  return shell as RemoteShell;
};
