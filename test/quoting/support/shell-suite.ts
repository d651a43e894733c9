// The round-trip tests shared by the POSIX, csh and fish suites: random argv through each real shell.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Quoter } from '../../../src/quoting/quoter';
import { requirePrereq } from '../../helpers/prereq';
import { sized } from '../../helpers/sizes';
import { exact, groupLine, parseOutput, runScript, scratchDir, type Case, type Run } from './argv-printer';
import { glob } from '../../../src/quoting/quoter';
import { argument, argv, byteArgument, char, longString, sample } from './arbitraries';
import { describeFailures, roundTrip } from './round-trip';
import { findShell, sameBinaryAs, type Shell } from './shells';
import fc from 'fast-check';

/** How many random argv each shell runs (each has 0-6 arguments); a tenth in the quick suite. */
export const COUNTS = sized({ text: 3000, bytes: 1000, glob: 1000 }, { text: 300, bytes: 100, glob: 100 });

/** Where a missing shell comes from. */
const PACKAGES: Readonly<Record<string, string>> = { ksh: 'ksh93u+m or mksh', csh: 'csh or tcsh' };

// `\` before one of these (or `\`) is the user's escape in glob mode: the character arrives without it.
const GLOB_ESCAPABLE = new Set('*?[],{}:!^~\\');
/** What a quoteGlob argument without active wildcards must arrive as: the user's `\x` escapes removed. */
export const unescapeGlob = (s: string): string => {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const next = s[i + 1];
    if (s[i] === '\\' && next !== undefined && GLOB_ESCAPABLE.has(next)) (out += next), i++;
    else out += s[i];
  }
  return out;
};
/** True when `s` has a wildcard or brace left active (not escaped): those expand, tested on their own. */
export const hasActiveWildcard = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const next = s[i + 1];
    if (s[i] === '\\' && next !== undefined && GLOB_ESCAPABLE.has(next)) i++;
    else if ('*?[]{}~'.includes(s[i] as string)) return true;
  }
  return false;
};

/** Random glob-mode arguments: any text, escaped wildcards (`\*`), but no active wildcard. */
const globArgument = () =>
  argument(
    fc.oneof(
      { weight: 5, arbitrary: char() },
      { weight: 1, arbitrary: fc.constantFrom('\\*', '\\?', '\\[', '\\]', '\\{', '\\}', '\\~', '\\\\', '\\!', '\\,') },
    ),
  ).filter((s) => !hasActiveWildcard(s));

/** The shell environment: a scratch HOME and a UTF-8 locale. */
export const localEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: '/usr/bin:/bin', HOME: home, LC_ALL: 'C.UTF-8' });

/** Registers, for each shell name, the text, bytes and glob-mode round trips quoted by `quoter`. */
export const addShellRoundTrips = (
  test: Test,
  names: readonly string[],
  quoter: Quoter,
  salt: number,
  extra: readonly Case[] = [],
): void => {
  const seen: Shell[] = [];
  const shells = names.flatMap((name) => {
    const shell = findShell(name, quoter);
    if (!requirePrereq(shell !== undefined, `${name} (Debian package ${PACKAGES[name] ?? name})`)) return [];
    const twin = sameBinaryAs(shell!, seen);
    if (twin) {
      console.log(`  ${name} is ${twin.name} on this machine (same binary): covered by the ${twin.name} tests`);
      return [];
    }
    seen.push(shell!);
    return [shell!];
  });
  const scratch = scratchDir('net-openssh-quoting-');
  const home = join(scratch.dir, 'home');
  const cwd = join(scratch.dir, 'cwd');
  const scriptDir = join(scratch.dir, 'scripts');
  for (const d of [home, cwd, scriptDir]) mkdirSync(d);
  test.after(() => scratch.remove());

  const textCases: Case[] = [
    ...sample(argv(), COUNTS.text, salt).map(exact),
    exact([longString(20_000)]),
    exact([
      '',
      "'",
      '"',
      '\\',
      '\n',
      '!',
      '$',
      '`',
      '#',
      '~',
      '=',
      '*',
      '?',
      '[',
      ']',
      '{',
      '}',
      '-',
      '--help',
      '\u00ff\u0085',
    ]),
    ...extra,
  ];
  const byteCases = sample(fc.array(byteArgument(), { maxLength: 6 }), COUNTS.bytes, salt + 1).map(exact);
  const globCases: Case[] = sample(argv(globArgument()), COUNTS.glob, salt + 2).map((args) => ({
    args,
    expected: args.map((a) => Buffer.from(unescapeGlob(a), 'utf8')),
  }));

  for (const shell of shells) {
    const runner = (script: Buffer) =>
      runScript([shell.path, ...shell.flags], script, { cwd, env: localEnv(home), scriptDir });
    const check = async (what: string, cases: readonly Case[], asGlob = false) => {
      const started = Date.now();
      const failures = await roundTrip(quoter, cases, runner, { asGlob });
      const args = cases.reduce((n, c) => n + c.args.length, 0);
      console.log(
        `  ${shell.name} ${what}: ${cases.length} argv (${args} arguments) ` +
          `in ${Date.now() - started} ms, ${failures.length} failures`,
      );
      assert.is(
        failures.length,
        0,
        `${shell.name} ${what}: ${failures.length} of ${cases.length} argv did not arrive intact\n` +
          describeFailures(quoter, failures),
      );
    };
    test(`${shell.name}: random text argv arrive byte for byte (${quoter.name}.quote)`, () => check('text', textCases));
    test(`${shell.name}: random byte argv (not UTF-8) arrive byte for byte`, () => check('bytes', byteCases));
    test(`${shell.name}: quoteGlob leaves nothing but wildcards active`, () => check('glob', globCases, true));
    addGlobExpansion(test, shell, runner, scratch.dir, home);
  }
};

// A directory whose own name needs quoting, holding names with spaces, quotes, `$` and `!`.
const GLOB_DIR = `d i'r "$x!`;
const GLOB_FILES = ['a.dat', 'my file.dat', `it's "q".dat`, '$HOME.dat', 'b.txt', 'c.dat.bak', '!x.dat'];

/** Patterns quoted by quoteGlob expand, under the real shell, to exactly the matching files. */
const addGlobExpansion = (
  test: Test,
  shell: Shell,
  runner: (s: Buffer) => Promise<Run>,
  root: string,
  home: string,
) => {
  const dir = join(root, GLOB_DIR);
  mkdirSync(dir, { recursive: true });
  for (const f of GLOB_FILES) writeFileSync(join(dir, f), '');
  const expand = async (pattern: string): Promise<string[]> => {
    const r = await runner(groupLine(shell.quoter, [{ args: [glob(pattern)], expected: [] }], 0));
    const [got] = parseOutput(r.stdout, 0, 1);
    assert.ok(got, `${shell.name}: no output for ${pattern}: ${r.stderr}`);
    return got!.map((b) => b.toString('utf8')).sort();
  };
  const within = (...names: string[]) => names.map((n) => join(dir, n)).sort();
  test(
    // biome-ignore lint/style/useTemplate: the title is split to keep the line within 120 characters
    `${shell.name}: quoteGlob patterns expand to the ` + `matching files, names with spaces and quotes included`,
    async () => {
      assert.equal(await expand(`${dir}/*.dat`), within('a.dat', 'my file.dat', `it's "q".dat`, '$HOME.dat', '!x.dat'));
      assert.equal(await expand(`${dir}/?.dat`), within('a.dat'));
      // fish has no [...] classes: `[` is an ordinary character there
      if (shell.name !== 'fish') assert.equal(await expand(`${dir}/[ab].*`), within('a.dat', 'b.txt'));
      assert.equal(await expand(`${dir}/my *`), within('my file.dat'));
      assert.equal(await expand(`${dir}/$HOME.*`), within('$HOME.dat'));
      assert.equal(await expand(`${dir}/it's "q"*`), within(`it's "q".dat`));
      assert.equal(await expand(`${dir}/!x.*`), within('!x.dat'));
      assert.equal(await expand('~/x'), [join(home, 'x')]);
      // dash has no brace expansion: the pattern stays as written
      const braces = await expand(`${dir}/{a,b}.*`);
      assert.equal(braces, shell.name === 'dash' ? [`${dir}/{a,b}.*`] : within('a.dat', 'b.txt'));
    },
  );
};
