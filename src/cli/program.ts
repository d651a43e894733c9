// The `net-openssh` command line: its subcommands, how a failure becomes a message and an exit status,
// and Ctrl-C (SIGINT/SIGTERM) ending a run cleanly (remote commands ended, summary printed, status 130).
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './exit-codes';
import type { CliIO } from './io';
import { messageScrubber } from './secrets';
import { registerDemo } from './commands/demo';
import { registerGet } from './commands/get';
import { registerMasters } from './commands/masters';
import { registerPut } from './commands/put';
import { registerRun } from './commands/run';

const VERSION = '0.1.0';

/** Runs `work` with an AbortSignal that SIGINT and SIGTERM fire; returns its exit status. */
const withInterrupt = async (work: (signal: AbortSignal) => Promise<number>): Promise<number> => {
  const ac = new AbortController();
  const abort = () => ac.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    return await work(ac.signal);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
};

/**
 * Builds the program for `argv` (the arguments it will parse: `run` checks where its remote command starts, and
 * what commander prints is scrubbed of the passwords in them); `status.code` receives the exit status.
 */
export const buildProgram = (io: CliIO, status: { code: number }, argv: readonly string[] = []): Command => {
  const scrub = messageScrubber(argv);
  const program = new Command('net-openssh')
    .description('Many hosts at once over OpenSSH ControlMaster connections (the net-openssh library from the shell).')
    .version(VERSION)
    .helpOption('--help', 'show this help')
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(scrub(s)) });
  const act = async (work: (signal: AbortSignal) => Promise<number>) => {
    status.code = await withInterrupt(work);
  };
  registerRun(program, act, io, argv);
  registerPut(program, act, io);
  registerGet(program, act, io);
  registerMasters(program, act, io);
  registerDemo(program, act, io);
  return program;
};

/** Parses `argv` (without node and script) and runs the command; resolves with the exit status. */
export const cli = async (argv: readonly string[], io: CliIO): Promise<number> => {
  const status = { code: EXIT.ok as number };
  const scrub = messageScrubber(argv);
  const program = buildProgram(io, status, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander printed the message
    if (e instanceof UsageError) {
      io.stderr.write(`net-openssh: ${scrub(e.message)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`net-openssh: ${scrub((e as Error)?.stack ?? String(e))}\n`);
    return EXIT.hostsFailed;
  }
};
