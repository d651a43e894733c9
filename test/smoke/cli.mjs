// The built net-openssh executable runs: its shebang, --version (the package's), --help listing the
// subcommands, and a usage error's exit status. Spawned as `node dist/cli.mjs` and through the shebang.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = join(root, pkg.bin['net-openssh']);
assert.ok(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'), `${bin} starts with a shebang`);
chmodSync(bin, 0o755); // npm does this when it installs the package

const cli = (...args) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
assert.equal(cli('--version').stdout.trim(), pkg.version);
const help = cli('--help');
assert.equal(help.status, 0);
for (const sub of ['run', 'put', 'get', 'demo'])
  assert.match(help.stdout, new RegExp(`\\n\\s+${sub}\\b`), `--help lists ${sub}`);
const noHosts = cli('run', '--', 'true');
assert.equal(noHosts.status, 2, noHosts.stderr);
assert.match(noHosts.stderr, /no hosts/);
console.log('smoke cli: ok');
