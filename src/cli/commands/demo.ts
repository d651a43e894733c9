// `net-openssh demo`: a first run that needs nothing but sshd installed. It starts a throwaway sshd on
// 127.0.0.1 (the code the test suite uses), names it five ways in a generated ssh_config (four "hosts",
// one of whose command fails, and one that is unreachable), runs `run` and `get` on them through the
// same code as the real commands, checks the outcome, and removes everything it made.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  findSshd,
  freeLoopbackPort,
  SSHD_PACKAGE,
  startThrowawaySshd,
  type ThrowawaySshd,
} from '../../testing/throwaway-sshd';
import { writeHostAliases } from '../../testing/host-aliases';
import { colourFor, paint } from '../colour';
import { connectionOptions } from '../connection-options';
import { EXIT } from '../exit-codes';
import type { CliIO } from '../io';
import { resolveTargets } from '../targets';
import { formatBytes } from '../render/format';
import { runOnHosts } from './run';
import { transferOnHosts } from './transfer';

const HOSTS = [
  { name: 'web1', from: '127.0.0.2' },
  { name: 'web2', from: '127.0.0.3' },
  { name: 'web3', from: '127.0.0.4' },
  { name: 'db1', from: '127.0.0.9' },
];
const OFFLINE = 'offline';
const FILE_SIZE = 48 * 1024 * 1024;

// each "host" is told apart by the address it connects from; db1's command fails on purpose
const COMMAND =
  'a=${SSH_CONNECTION%% *}; n=${a##*.}; echo "hello from $(hostname) as $(id -un), connected from $a"; ' +
  'for i in 1 2 3; do sleep 0.$n; echo "step $i of 3"; done; ' +
  'if [ "$n" = 9 ]; then echo "db1: disk full (a failure staged by the demo)" >&2; exit 3; fi';

/** What to tell someone without sshd: the exact package to install. */
export const sshdMissingMessage = (): string =>
  `net-openssh demo starts a throwaway OpenSSH server on 127.0.0.1, and sshd is not installed.\n` +
  `Install the Debian package ${SSHD_PACKAGE}:\n\n    sudo apt-get install ${SSHD_PACKAGE}\n\n` +
  `(it is not started as a service for the demo; only the sshd binary is used). Then run the demo again.\n`;

/** The demo's hosts, their ssh_config and a file to fetch, all inside the throwaway sshd's dir. */
const stage = async (sshd: ThrowawaySshd) => {
  const dir = join(sshd.dir, 'demo');
  mkdirSync(dir);
  chmodSync(dir, 0o755); // the login account reads the file to fetch
  const config = writeHostAliases(
    sshd,
    [...HOSTS, { name: OFFLINE, from: '127.0.0.5', port: await freeLoopbackPort() }],
    join(dir, 'ssh_config'),
  );
  const file = join(dir, 'release.tar');
  writeFileSync(file, randomBytes(FILE_SIZE), { mode: 0o644 });
  chmodSync(file, 0o644);
  return { config, file, downloads: join(dir, 'downloads') };
};

/** Runs the demo; resolves with the exit status (0 when everything came out as the demo expects). */
export const runDemo = async (io: CliIO, signal: AbortSignal): Promise<number> => {
  if (findSshd() === undefined) {
    io.stderr.write(sshdMissingMessage());
    return EXIT.hostsFailed;
  }
  const p = paint(colourFor(io.stdout, io.env));
  const say = (text: string) => void io.stdout.write(`${text}\n`);
  const shell = (text: string) => say(p.bold(`\n$ ${text}`));
  const sshd = await startThrowawaySshd();
  try {
    say(
      `Started a throwaway sshd on 127.0.0.1:${sshd.port} (pid ${sshd.pid}), logging in as ${sshd.user}, ` +
        `everything in ${sshd.dir}.`,
    );
    const { config, file, downloads } = await stage(sshd);
    say(`It plays ${HOSTS.length} hosts through Host aliases in ${config}; "${OFFLINE}" points at a closed port.`);
    // the control sockets live in the throwaway dir too: nothing is left in ~/.net-openssh
    const connection = { ...connectionOptions({ config, timeout: 15 }), ctlDir: sshd.ctlDir };
    const names = [...HOSTS.map((h) => h.name), OFFLINE];

    shell(`net-openssh run -F ${config} -H ${names.join(',')} -- '${COMMAND}'`);
    const run = await runOnHosts(
      { targets: resolveTargets(names), command: COMMAND, connection, output: 'prefix', signal },
      io,
    );
    if (signal.aborted) return EXIT.interrupted;

    const fetchFrom = HOSTS.map((h) => h.name);
    shell(`net-openssh get -F ${config} --via sftp -H ${fetchFrom.join(',')} ${file} ${downloads}`);
    const get = await transferOnHosts(
      {
        direction: 'get',
        via: 'sftp',
        sources: [file],
        target: downloads,
        recursive: false,
        targets: resolveTargets(fetchFrom),
        connection,
        json: false,
        signal,
      },
      io,
    );
    if (signal.aborted) return EXIT.interrupted;

    shell(`ls -l ${downloads}/*`);
    const want = execFileSync('sha256sum', [file]).toString().split(' ')[0];
    let sameFiles = true;
    for (const host of readdirSync(downloads).sort()) {
      const got = join(downloads, host, 'release.tar');
      const same = execFileSync('sha256sum', [got]).toString().split(' ')[0] === want;
      sameFiles &&= same;
      say(
        `${host}/release.tar  ${formatBytes(statSync(got).size)}  ` +
          `${same ? 'same sha256 as the original' : p.red('DIFFERENT from the original')}`,
      );
    }

    const byHost = new Map(run.results.map((r) => [r.host, r]));
    const asExpected =
      HOSTS.every((h) => (h.name === 'db1' ? byHost.get(h.name)?.exitCode === 3 : byHost.get(h.name)?.ok)) &&
      byHost.get(OFFLINE)?.error?.code === 'OSSH_MASTER_FAILED' &&
      get.status === EXIT.ok &&
      sameFiles;
    say(
      asExpected
        ? `\n${p.green('Demo complete:')} web1-3 succeeded, db1's staged failure and the unreachable host ` +
            `showed up as results, not crashes.\n` +
            `Try it on your own hosts: net-openssh run -H host1,host2 -- uptime   (your ~/.ssh/config applies)`
        : `\n${p.red('The demo did not come out as expected')}: see the output above.`,
    );
    return asExpected ? EXIT.ok : EXIT.hostsFailed;
  } finally {
    await sshd.destroy();
    say(`Removed the throwaway sshd and ${sshd.dir}.`);
  }
};

/** Adds `demo` to the program. */
export const registerDemo = (
  program: Command,
  act: (work: (signal: AbortSignal) => Promise<number>) => Promise<void>,
  io: CliIO,
): Command =>
  program
    .command('demo')
    .summary('a first run against a throwaway local sshd')
    .description(
      `Starts a private sshd on 127.0.0.1 (needs the Debian package ${SSHD_PACKAGE}; no service is started), ` +
        `plays several hosts with it, runs a command on all of them, fetches a file from each with progress, ` +
        `prints the summaries, and removes everything.\nExit status: 0 when the demo came out as expected.`,
    )
    .helpOption('--help', 'show this help')
    .action(async () => {
      await act((signal) => runDemo(io, signal));
    });
