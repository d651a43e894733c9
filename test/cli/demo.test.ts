// `net-openssh demo` end to end, as a newcomer runs it: it must succeed, show the merged stream, a
// transfer and the summaries, and leave nothing behind; without sshd it names the package to install.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { findSshd } from '../fixtures/sshd';
import { requirePrereq } from '../helpers/prereq';
import { strict } from '../helpers/setup';
import { plain, processesMentioning, runCli } from './cli-harness';

strict();
const test = suite('cli: net-openssh demo');
const env = () => {
  const e = { ...process.env };
  delete e.FORCE_COLOR;
  return e;
};

test(
  'runs end to end: hosts, the staged failure, the unreachable ' +
    'host, a fetch with progress, summaries; removes its sshd',
  async () => {
    if (!requirePrereq(findSshd() !== undefined, 'sshd (Debian package openssh-server)')) return;
    const r = await runCli(['demo'], env());
    assert.is(r.code, 0, r.stdout + r.stderr);
    const out = plain(r.stdout);
    const dir = /everything in (\/\S+)\./.exec(out)?.[1];
    assert.ok(dir, 'the demo names its dir');
    for (const host of ['web1', 'web2', 'web3', 'db1']) {
      assert.match(
        out,
        new RegExp(`^${host} +\\| hello from .* connected from 127\\.0\\.0\\.\\d$`, 'm'),
        `${host} said hello`,
      );
      assert.match(out, new RegExp(`^${host}/release\\.tar  48 MiB  same sha256 as the original$`, 'm'));
    }
    assert.match(r.stderr, /^db1 +! db1: disk full/m);
    assert.match(r.stderr, /^offline ! failed: OSSH_MASTER_FAILED/m);
    assert.match(r.stderr, /^3 ok, 2 failed, 5 hosts/m, "the run's summary");
    assert.match(r.stderr, /^web1 +(started|\d+%)/m, 'transfer progress');
    assert.match(r.stderr, /^4 ok, 0 failed, 4 hosts/m, "the transfer's summary");
    assert.match(out, /Demo complete/);
    assert.not.ok(existsSync(dir!), 'its dir is gone');
    assert.equal(processesMentioning(dir!), [], 'no sshd or ssh left');
  },
);

test('without sshd: says which Debian package to install, exits non-zero', async () => {
  const r = await runCli(['demo'], { ...env(), NET_OPENSSH_SSHD: '/nonexistent/sshd' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /sshd is not installed/);
  assert.match(r.stderr, /sudo apt-get install openssh-server/);
  assert.is(r.stdout, '');
});

test.run();
