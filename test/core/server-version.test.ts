import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { knownSessionLimit } from '../../src/core/engines/server-limits';
import { masterArgs } from '../../src/core/master-args';
import { normalizeCtorOptions } from '../../src/core/options';
import { remoteVersionIn, VersionReader, versionLogArgs } from '../../src/core/server-version';
import { takesLogVerbose } from '../../src/core/ssh-log-verbose';

const test = suite('core/server-version');

// lines of a real `ssh -o LogLevel=DEBUG1` master (OpenSSH 9.2p1) against dropbear, then one command, then its end
const LOG = [
  'debug1: Connecting to 127.0.0.1 [127.0.0.1] port 45795.',
  'debug1: Local version string SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10',
  'debug1: Remote protocol version 2.0, remote software version dropbear_2022.83',
  'debug1: compat_banner: no match: dropbear_2022.83',
  "Warning: Permanently added '[127.0.0.1]:45795' (ED25519) to the list of known hosts.",
  'Authenticated to 127.0.0.1 ([127.0.0.1]:45795) using "publickey".',
  'debug1: Sending command: echo secret-argument',
  'Connection to 127.0.0.1 closed by remote host.',
  'Transferred: sent 2212, received 1264 bytes, in 1.8 seconds',
  'Bytes per second: sent 1233.1, received 704.6',
  'debug1: Exit status -1',
].join('\n');
const KEPT =
  "Warning: Permanently added '[127.0.0.1]:45795' (ED25519) to the list of known hosts.\n" +
  'Connection to 127.0.0.1 closed by remote host.\n';

test('the version from its debug line; other lines say nothing', () => {
  assert.is(
    remoteVersionIn('debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u3\n'),
    'OpenSSH_9.2p1 Debian-2+deb12u3',
  );
  // as LogVerbose logs it (OpenSSH 9.2p1, seen here): where it was logged first
  assert.is(
    remoteVersionIn(
      'debug1: kex.c:kex_exchange_identification():1456 (pid=436): Remote protocol version 2.0, remote software ' +
        'version dropbear_2022.83',
    ),
    'dropbear_2022.83',
  );
  assert.is(remoteVersionIn('debug1: Local version string SSH-2.0-OpenSSH_9.2p1'), undefined);
  assert.is(remoteVersionIn('remote software version x'), undefined);
});

test('the reader finds the version and keeps only what the default log level shows, across any chunking', () => {
  for (const size of [1, 7, 64, LOG.length]) {
    const versions: string[] = [];
    const r = new VersionReader(true, (v) => versions.push(v));
    let kept = '';
    for (let i = 0; i < LOG.length; i += size) kept += r.feed(LOG.slice(i, i + size));
    kept += r.end();
    assert.equal(versions, ['dropbear_2022.83'], `chunks of ${size}`);
    assert.is(kept, KEPT, `chunks of ${size}`);
    assert.not.match(kept, /secret-argument/);
  }
});

test('the user set a level: nothing is taken out, the version is still read; a last line without its end', () => {
  const versions: string[] = [];
  const r = new VersionReader(false, (v) => versions.push(v));
  assert.is(r.feed(LOG) + r.end(), LOG);
  assert.equal(versions, ['dropbear_2022.83']);
});

test('LogVerbose for the version line where ssh takes it, else LogLevel=DEBUG1; after the masterOpts', () => {
  const verbose = ['-o', 'LogVerbose=*:kex_exchange_identification():*'];
  assert.equal(versionLogArgs([], true), verbose);
  assert.equal(versionLogArgs(['-o', 'ConnectTimeout=5'], true), verbose);
  assert.equal(versionLogArgs(['-o', 'LogVerbose=packet.c:*'], true), ['-o', 'LogLevel=DEBUG1'], 'theirs would win');
  for (const own of [['-v'], ['-o', 'LogLevel=ERROR']]) assert.equal(versionLogArgs(own, true), [], own.join(' '));
  const s = normalizeCtorOptions('h', { masterOpts: ['-o', 'ConnectTimeout=5'] });
  assert.equal(masterArgs(s, '/c/ctl', true, true).slice(0, 4), ['-o', 'ConnectTimeout=5', ...verbose]);
});

test('which ssh takes LogVerbose: OpenSSH 8.5 and later, by its -V text', () => {
  assert.ok(takesLogVerbose('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026'));
  assert.ok(takesLogVerbose('OpenSSH_8.5p1, OpenSSL 1.1.1k'));
  assert.ok(takesLogVerbose('OpenSSH_10.0p2, LibreSSL 3.3.6'));
  assert.not.ok(takesLogVerbose('OpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w'));
  assert.not.ok(takesLogVerbose('OpenSSH_7.9p1'));
  assert.not.ok(takesLogVerbose('Dropbear v2022.83'));
  assert.not.ok(takesLogVerbose(''));
});

test('LogLevel=DEBUG1 after the masterOpts, unless they set a level of their own', () => {
  assert.equal(versionLogArgs([]), ['-o', 'LogLevel=DEBUG1']);
  for (const own of [['-v'], ['-vvv'], ['-q'], ['-qT'], ['-o', 'LogLevel=ERROR'], ['-oLogLevel=QUIET']])
    assert.equal(versionLogArgs(own), [], own.join(' '));
  const s = normalizeCtorOptions('h', { masterOpts: ['-o', 'ConnectTimeout=5'] });
  assert.equal(masterArgs(s, '/c/ctl', true).slice(0, 4), ['-o', 'ConnectTimeout=5', '-o', 'LogLevel=DEBUG1']);
  assert.not.ok(masterArgs(s, '/c/ctl').includes('LogLevel=DEBUG1'), 'only where the stderr is read');
});

test('dropbear, any version: one at a time; tinysshd: one per connection; other servers say nothing', () => {
  assert.is(knownSessionLimit('dropbear_2022.83')?.limit, 1);
  assert.is(knownSessionLimit('dropbear_2022.83')?.oneSessionPerConnection, undefined);
  assert.match(knownSessionLimit('dropbear_2024.86')?.why ?? '', /dropbear_2024.86 loses the exit status/);
  const tiny = knownSessionLimit('tinyssh_20230101-1 SHegailw');
  assert.equal([tiny?.limit, tiny?.oneSessionPerConnection], [1, true]);
  assert.match(tiny?.why ?? '', /^tinyssh_20230101-1 serves one session per connection/);
  for (const v of [undefined, 'OpenSSH_9.2p1 Debian-2+deb12u3', 'AsyncSSH_2.10.1'])
    assert.is(knownSessionLimit(v), undefined, String(v));
});

test.run();
