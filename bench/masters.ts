// The bench's masters: each logs to a file of its own (-E), so that the cipher it actually negotiated can be read
// there. With an ssh that takes LogVerbose (OpenSSH 8.5 and later), only the function that logs the ciphers does,
// at ssh's default level otherwise: the master logs nothing per command, as a master of the library does by default
// (src/core/ssh-log-verbose.ts). With an older ssh at LogLevel DEBUG1, which costs the master two or three log lines
// per command (measured: 2.6 lines per `true`), the same for every master of the bench.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeLogVerbose } from '../src/core/ssh-log-verbose';
import type { SshdFixture } from '../test/fixtures/sshd';

// The bench measures the package as it ships: the rollup build in dist/ (`npm run bench` builds it first), not the
// TypeScript sources through tsx, whose keep-names wrappers cost every closure a property definition as it is made.
const BUILD = new URL('../dist/index.mjs', import.meta.url);
if (!existsSync(fileURLToPath(BUILD))) throw new Error('bench: no build in dist/: run `npm run build` first');
const { OpenSSH } = (await import(BUILD.href)) as typeof import('../src/index');
type OpenSSH = InstanceType<typeof OpenSSH>;

// a level of our own, so the library adds none (a LogVerbose alone would make it fall back to DEBUG1)
const cipherLogArgs = async (): Promise<string[]> =>
  (await probeLogVerbose('ssh'))
    ? ['-o', 'LogLevel=INFO', '-o', 'LogVerbose=*:kex_choose_conf():*']
    : ['-o', 'LogLevel=DEBUG1'];

/** The cipher asked for in the like-for-like rows (what ssh2 negotiates by default with OpenSSH). */
export const LIKE_CIPHER = 'aes128-gcm@openssh.com';

export interface LoggedMaster {
  ssh: OpenSSH;
  /** The cipher the master negotiated, from its log (both directions when they differ). */
  cipher: string;
}

/** The cipher lines of an `ssh -v` log: "server->client / client->server", or one name when both agree. */
export const cipherFromLog = (log: string): string => {
  const dir = (d: string) => new RegExp(`kex: ${d} cipher: (\\S+)`).exec(log)?.[1] ?? '?';
  const sc = dir('server->client');
  const cs = dir('client->server');
  return sc === cs ? sc : `${sc} / ${cs}`;
};

/**
 * A connection to `f` as `user`, its master logging to `<f.dir>/master-<name>.log`; `masterOpts` come before the
 * fixture's (ssh keeps the first value of an option). Waits for the master.
 */
export const loggedMaster = async (
  f: SshdFixture,
  user: string,
  name: string,
  opts: { masterOpts?: string[]; maxSessions?: number; muxPrestart?: boolean } = {},
): Promise<LoggedMaster> => {
  const log = join(f.dir, `master-${name}.log`);
  const base = f.options();
  const { masterOpts = [], ...rest } = opts;
  const masterArgs = ['-E', log, ...(await cipherLogArgs()), ...masterOpts, ...base.masterOpts];
  const ssh = new OpenSSH(`${user}@${f.host}:${f.port}`, { ...base, ...rest, masterOpts: masterArgs });
  await ssh.waitForMaster();
  return { ssh, cipher: cipherFromLog(readFileSync(log, 'utf8')) };
};
