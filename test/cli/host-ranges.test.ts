// Host ranges on the command line: `-H 'web[1-3]'` reaches web1, web2 and web3 (aliases of the test sshd), a
// comma inside the brackets does not split -H, and bad or oversized ranges are usage errors (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedSshd } from '../fixtures/sshd';
import { strict } from '../helpers/setup';
import { cliHosts, runCli, type CliHosts, type JsonEvent } from './cli-harness';

strict();
const f = await sharedSshd();
const test = suite('cli: host ranges');
let h: CliHosts;

test.before(async () => {
  if (f) h = await cliHosts(f);
});
test.after(() => h?.cleanup());

const ends = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonEvent)
    .filter((e) => e.type === 'end')
    .map((e) => e.host as string);

test('-H web[1-3],db[1] and a range in a hosts file run on each expanded host once', async () => {
  if (!f) return;
  const file = join(h.dir, 'ranged-hosts');
  writeFileSync(file, '# a range in a file\nweb[2-3]\n');
  const [flag, listed] = await Promise.all([
    runCli(['run', ...h.args, '--json', '-H', 'web[1-3],db[1]', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '--json', '-H', 'web[1,3]', '-h', file, '--', 'true'], h.env()),
  ]);
  assert.is(flag.code, 0, flag.stderr);
  assert.equal(ends(flag.stdout).sort(), ['db1', 'web1', 'web2', 'web3']);
  // web3 twice (from -H and from the file) is refused as any duplicate is
  assert.is(listed.code, 2);
  assert.match(listed.stderr, /host web3 is listed twice/);
});

test('bad and oversized ranges: usage errors (exit 2) that say what is wrong; --max-hosts allows more', async () => {
  if (!f) return;
  const [down, letters, open, big, capped, allowed] = await Promise.all([
    runCli(['run', ...h.args, '-H', 'web[3-1]', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '-H', 'web[a-c]', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '-H', 'web[1-3', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '-H', 'n[1-1001]', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '--max-hosts', '2', '-H', 'web[1-3]', '--', 'true'], h.env()),
    runCli(['run', ...h.args, '--json', '--max-hosts', '3', '-H', 'web[1-3]', '--', 'true'], h.env()),
  ]);
  for (const r of [down, letters, open, big, capped]) {
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '', 'nothing ran');
  }
  assert.match(down.stderr, /bad host range in "web\[3-1\]": 3-1 goes down/);
  assert.match(letters.stderr, /\[a-c\] is not a number/);
  assert.match(open.stderr, /\[ without \]/);
  assert.match(big.stderr, /expands to 1001 hosts, more than the limit of 1000.*--max-hosts/);
  assert.match(capped.stderr, /expands to 3 hosts, more than the limit of 2/);
  assert.is(allowed.code, 0, allowed.stderr);
  assert.equal(ends(allowed.stdout).sort(), ['web1', 'web2', 'web3']);
});

test.run();
