// The same round trip through a real ssh connection: the remote account's login shell is each shell in
// turn, and sshd runs our command line with `<shell> -c`, as it does for every remote command.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from '../../src/quoting/quoter';
import { startSshd } from '../fixtures/sshd';
import { requirePrereq } from '../helpers/prereq';
import { strict } from '../helpers/setup';
import { sized } from '../helpers/sizes';
import { exact, groupLine, parseOutput, runWithLastArg, scratchDir, type Case } from './support/argv-printer';
import fc from 'fast-check';
import { announceSeed, argv, byteArgument, sample } from './support/arbitraries';
import { describeFailures, roundTrip } from './support/round-trip';
import { WANTED, findShell, sameBinaryAs, type Shell } from './support/shells';

strict();
const test = suite('quoting/remote-shells');
announceSeed('quoting/remote-shells');

/** Random argv sent through each remote login shell: text, and bytes that are not UTF-8 (a tenth when quick). */
const CASES = sized(600, 60);
const BYTE_CASES = sized(200, 20);

const accountFor = (shell: Shell) => `nossh-${shell.name}`;
const exists = (user: string) => {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const passwd = (user: string) => execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':');
const homeOf = (user: string) => passwd(user)[5] as string;
const uidGid = (user: string) =>
  execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim() +
  ':' +
  execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim();

// One account per distinct shell binary, created (as root) when missing; sshd refuses locked accounts.
const isRoot = process.getuid?.() === 0;
const seen: Shell[] = [];
const shells = WANTED.flatMap(([name, quoter]) => {
  const shell = findShell(name, quoter);
  if (shell === undefined || sameBinaryAs(shell, seen)) return []; // reported by the local suites
  seen.push(shell);
  const user = accountFor(shell);
  if (!exists(user)) {
    if (!requirePrereq(isRoot, `root, to create the test account ${user} with login shell ${shell.path}`)) return [];
    try {
      execFileSync('useradd', ['-m', '-s', shell.path, user], { stdio: 'ignore' });
    } catch (e) {
      if (!exists(user)) throw e; // else another run on this machine made it in the meantime
    }
  } else if (isRoot) execFileSync('usermod', ['-s', shell.path, user], { stdio: 'ignore' });
  if (isRoot) execFileSync('usermod', ['-p', '*', user], { stdio: 'ignore' });
  return [shell];
});

const fixture = shells.length > 0 ? await startSshd({ users: shells.map(accountFor) }) : undefined;
const scripts = scratchDir('net-openssh-remote-quoting-');
test.after(async () => {
  await fixture?.stop();
  scripts.remove();
});

if (fixture) {
  // the command line goes to ssh as bytes (through xargs), so non-UTF-8 arguments can be sent too
  const ssh = (user: string, command: Buffer) =>
    runWithLastArg(
      [
        'ssh',
        '-F',
        fixture.configPath,
        '-o',
        'BatchMode=yes',
        '-p',
        String(fixture.port),
        '-l',
        user,
        '--',
        '127.0.0.1',
      ],
      command,
      {
        scriptDir: scripts.dir,
      },
    );
  const cases: Case[] = sample(argv(), CASES, 300).map(exact);
  const byteCases: Case[] = sample(fc.array(byteArgument(), { maxLength: 6 }), BYTE_CASES, 301).map(exact);

  for (const shell of shells) {
    const user = accountFor(shell);
    const check = async (what: string, sent: readonly Case[]) => {
      const started = Date.now();
      const failures = await roundTrip(shell.quoter, sent, (script) => ssh(user, script), { concurrency: 3 });
      const args = sent.reduce((n, c) => n + c.args.length, 0);
      console.log(
        `  ssh → ${shell.name} ${what}: ${sent.length} argv (${args} arguments) ` +
          `in ${Date.now() - started} ms, ${failures.length} failures`,
      );
      assert.is(
        failures.length,
        0,
        `${failures.length} argv did not arrive intact through ${shell.name}\n` +
          describeFailures(shell.quoter, failures),
      );
    };
    test(`${shell.name} as the login shell: ${CASES} random text argv arrive byte for byte through ssh`, async () => {
      assert.is(passwd(user)[6], shell.path, `${user}'s login shell`);
      await check('text', cases);
    });
    test(`${shell.name} as the login shell: ${BYTE_CASES} random byte argv (not UTF-8) arrive byte for byte`, () =>
      check('bytes', byteCases));

    test(`${shell.name} as the login shell: a glob pattern expands remotely to the matching files only`, async () => {
      if (!requirePrereq(isRoot, 'root, to create files in the test account')) return;
      const home = homeOf(user);
      const tag = randomBytes(4).toString('hex'); // another run on this machine may test the same account
      const dir = join(home, `g d'i"r$x-${tag}`);
      const owner = uidGid(user).split(':').map(Number) as [number, number];
      mkdirSync(dir, { recursive: true });
      chownSync(dir, ...owner);
      for (const f of ['a.dat', 'my file.dat', `it's.dat`, 'b.txt']) writeFileSync(join(dir, f), '');
      try {
        const line = groupLine(shell.quoter, [{ args: [glob(`~/g d'i"r$x-${tag}/*.dat`), 'lit*'], expected: [] }], 0);
        const r = await ssh(user, line);
        const [got] = parseOutput(r.stdout, 0, 1);
        assert.ok(got, `no output from ${shell.name}: ${r.stderr}`);
        assert.equal(
          got!.map((b) => b.toString()).sort(),
          [...['a.dat', `it's.dat`, 'my file.dat'].map((f) => join(dir, f)), 'lit*'].sort(),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

test.run();
