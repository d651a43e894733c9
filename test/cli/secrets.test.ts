// No CLI message shows a password (issue 20, defect 8): usage errors that quote a destination (listed twice,
// bad destinations from -H or a hosts file, a hosts-file line), commander's complaints about a word holding
// one, and a host's failure; and -H splits on commas only, so a password with a blank is not cut in two.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedSshd } from '../fixtures/sshd';
import { strict } from '../helpers/setup';
import { cliHosts, runCli, summaryRows, type CliHosts, type CliRun } from './cli-harness';

strict();
const f = await sharedSshd();
const test = suite('cli: secrets in messages');
let h: CliHosts;
test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(() => h?.cleanup());

// a password with a blank: neither half may show (the old -H split printed the first one)
const PW = 'Hunter2 Rabbit9';
const HALVES = ['Hunter2', 'Rabbit9'];
const noSecret = (r: CliRun, what: string) => {
  for (const s of [PW, ...HALVES]) {
    assert.not.ok(r.stdout.includes(s), `${what}: stdout shows ${s}: ${r.stdout}`);
    assert.not.ok(r.stderr.includes(s), `${what}: stderr shows ${s}: ${r.stderr}`);
  }
};

const file = (): string => join(h.dir, 'hosts-secret');
const USAGE_CASES: [string, string[], RegExp, string?][] = [
  ['-H listed twice', ['-H', `me:${PW}@web1,me:${PW}@web1`], /host me:\[secret\]@web1 is listed twice/],
  ['-H bad destination', ['-H', `me:${PW}@bad host`], /bad destination "me:\[secret\]@bad host"/],
  ['-H and file listed twice', ['-H', `me:${PW}@web1`, '-h', '@file'], /listed twice/, `me:${PW}@web1\n`],
  [
    'hosts-file line',
    ['-h', '@file'],
    /hosts-secret:2: expected one destination per line, got "me:\[secret\]@w x"/,
    `web1\nme:${PW}@w x\n`,
  ],
  [
    'hosts-file bad destination',
    ['-h', '@file'],
    /bad destination "me:\[secret\]@-oProxyCommand=x"/,
    `me:${HALVES.join('')}@-oProxyCommand=x\n`,
  ],
  ['commander: unknown option', ['-H', 'web1', `--json=me:${PW}@web1`], /unknown option '--json=me:\[secret\]@web1'/],
];
for (const [what, args, message, content] of USAGE_CASES)
  test(`usage error, ${what}: shows [secret], never the password (exit 2)`, async () => {
    if (!f) return;
    if (content !== undefined) writeFileSync(file(), content);
    const argv = args.map((a) => (a === '@file' ? file() : a));
    const r = await runCli(['run', ...h.args, ...argv, '--', 'true'], h.env());
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    noSecret(r, what);
  });

test('usage error, commander: unknown command: shows [secret], never the password', async () => {
  if (!f) return;
  const r = await runCli([`me:${PW}@web1`], h.env());
  assert.match(r.stderr, /unknown command 'me:\[secret\]@web1'/);
  noSecret(r, 'commander: unknown command');
});

test('-H keeps a password with a blank whole: the host is tried with it and fails without showing it', async () => {
  if (!f) return;
  const r = await runCli(['run', ...h.args, '-H', `${f.user}:${PW}@web1, web2`, '--', 'echo ran'], h.env());
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^web2 +\| ran$/m, 'web2 ran');
  const rows = summaryRows(r.stderr);
  assert.equal(
    Object.keys(rows).sort(),
    [`${f.user}@web1`, 'web2'],
    'two hosts, the first labelled without its password',
  );
  assert.match(rows[`${f.user}@web1`]![2]!, /^OSSH_/, 'the password login failed (this sshd takes keys only)');
  noSecret(r, 'a failed password login');
});

test.run();
