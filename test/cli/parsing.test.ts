// The CLI's pure parts: option values, hosts files, host lists, per-host directory names, and how a
// result reads in the summary.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Command, InvalidArgumentError } from 'commander';
import { duration, hostList, positiveInt, seconds } from '../../src/cli/args';
import { connectionOptions } from '../../src/cli/connection-options';
import { UsageError } from '../../src/cli/exit-codes';
import { parseHosts } from '../../src/cli/hosts-file';
import { resolveTargets } from '../../src/cli/targets';
import { commandLineSecrets } from '../../src/cli/secrets';
import { refuseMisplacedOptions } from '../../src/cli/misplaced-options';
import { registerRun } from '../../src/cli/commands/run';
import { hostDirName } from '../../src/cli/commands/transfer';
import { describeResult } from '../../src/cli/render/host-result';
import { summaryTable } from '../../src/cli/render/summary-table';
import { paint } from '../../src/cli/colour';
import { slaveCmdFailed, slaveTimeout } from '../../src/core/errors';

const test = suite('cli: parsing and formatting');

test('option values: positive integers, seconds, durations; anything else is refused', () => {
  assert.is(positiveInt('8'), 8);
  for (const bad of ['0', '-1', '1.5', 'x', ''])
    assert.throws(
      () => positiveInt(bad),
      (e: unknown) => e instanceof InvalidArgumentError,
      bad,
    );
  assert.is(seconds('2.5'), 2.5);
  for (const bad of ['0', '-3', 'soon', ''])
    assert.throws(
      () => seconds(bad),
      (e: unknown) => e instanceof InvalidArgumentError,
      bad,
    );
  assert.equal(['90', '90s', '10m', '2h', '1d', '1.5m'].map(duration), [90, 90, 600, 7200, 86400, 90]);
  for (const bad of ['0', '10x', 'm', '-5m'])
    assert.throws(
      () => duration(bad),
      (e: unknown) => e instanceof InvalidArgumentError,
      bad,
    );
  assert.equal(hostList('b, c', hostList('a')), ['a', 'b', 'c']);
});

test('-H: only commas separate, so a password with a blank stays whole', () => {
  assert.equal(hostList(' u:pass word@h , web1,,'), ['u:pass word@h', 'web1']);
});

test('-H: a comma inside a host range does not separate; unpaired brackets split on every comma', () => {
  assert.equal(hostList('db[1-3,7],web[01-02].x,[::1]:22'), ['db[1-3,7]', 'web[01-02].x', '[::1]:22']);
  assert.equal(hostList('a[1,2'), ['a[1', '2']);
  assert.equal(hostList('a]1,2['), ['a]1', '2[']);
});

test('targets: host ranges expanded and labelled by name; bad or oversized ones are usage errors, no secret', () => {
  assert.equal(resolveTargets(['web[1-2]', 'db[7]']), [
    { destination: 'web1', name: 'web1' },
    { destination: 'web2', name: 'web2' },
    { destination: 'db7', name: 'db7' },
  ]);
  assert.is(resolveTargets(['n[1-1500]'], [], 1500).length, 1500);
  for (const [hosts, max, message] of [
    [['n[1-1001]'], undefined, /expands to 1001 hosts, more than the limit of 1000/],
    [['a[1-2]', 'b[1-2]'], 3, /host ranges together expand to 4 hosts, more than the limit of 3/],
    [['web[3-1]'], undefined, /bad host range in "web\[3-1\]": 3-1 goes down/],
    [['u:s3cret@web[x]'], undefined, /bad host range in "u:\[secret\]@web\[x\]"/],
  ] as const)
    assert.throws(
      () => resolveTargets(hosts, [], max),
      (e: unknown) => e instanceof UsageError && message.test((e as Error).message) && !/s3cret/.test(String(e)),
      String(hosts),
    );
});

test('hosts file: comments (whole line or after a space), blank lines, CRLF; two words on a line name the line', () => {
  assert.equal(parseHosts('# fleet\nweb1\r\n\n  deploy@db1:2222   # primary\nweb#2\n', 'f'), [
    'web1',
    'deploy@db1:2222',
    'web#2',
  ]);
  assert.throws(
    () => parseHosts('web1\nweb2 web3\n', 'hosts.txt'),
    (e: unknown) =>
      e instanceof UsageError && e.message === 'hosts.txt:2: expected one destination per line, got "web2 web3"',
  );
});

test('hosts file: a password may hold blanks and " #"; the first cut that leaves a destination is taken', () => {
  assert.equal(parseHosts('u:pa ss@h\nu:pa #ss@h # note\nweb1 # owner: bob@corp\nu:pw@h # a@b\n', 'f'), [
    'u:pa ss@h',
    'u:pa #ss@h',
    'web1',
    'u:pw@h',
  ]);
  assert.throws(
    () => parseHosts('u:S3cret PW@h x\n', 'f'),
    (e: unknown) =>
      e instanceof UsageError && e.message === 'f:1: expected one destination per line, got "u:[secret]@h x"',
  );
});

test('targets: every message quoting a destination shows [secret] for its password', () => {
  for (const [hosts, re] of [
    [['u:S3cretPW@h', 'u:S3cretPW@h'], /^host u:\[secret\]@h is listed twice$/],
    [['u:S3cretPW@-x'], /^bad destination "u:\[secret\]@-x": the host name must not begin with "-"/],
    [['u:S3cretPW@a b'], /^bad destination "u:\[secret\]@a b": .*got "u:\[secret\]@a b"/],
  ] as const)
    assert.throws(
      () => resolveTargets([...hosts]),
      (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('S3cretPW'),
      hosts[0],
    );
});

test('the passwords on a command line, for scrubbing: every word before --, split at commas', () => {
  assert.equal(commandLineSecrets(['run', '-H', 'a:p1@h,b:p 2@h', '-Hc:p3@h', '--hosts=d:p4@h', '-x', 'e:p5@h']), [
    'p1',
    'p 2',
    'p3',
    'p4',
    'p5',
  ]);
  assert.equal(commandLineSecrets(['run', '-H', 'web1', '--', 'echo', 'u:notmine@h']), []);
});

test('run: our options after the remote command are refused unless -- came first; others pass', () => {
  const program = new Command('net-openssh').enablePositionalOptions();
  const io = { stdout: process.stdout, stderr: process.stderr, env: {} };
  const run = registerRun(program, async () => {}, io);
  const refused = (words: string[], argv: string[]) => {
    try {
      refuseMisplacedOptions(run, words, argv);
      return undefined;
    } catch (e) {
      assert.instance(e, UsageError);
      return (e as Error).message;
    }
  };
  for (const w of ['-F', '-Fcfg', '--config', '--config=cfg', '-H', '-t', '--json', '-g', '--persist', '--help'])
    assert.match(
      refused(['uptime', w, 'x'], ['run', '-H', 'h', 'uptime', w, 'x']) ?? '',
      /put -- before|-- before a/,
      w,
    );
  assert.match(refused(['uptime', '-F', 'cfg'], [])!, /^-F comes after the remote command \(uptime\)/);
  assert.is(
    refused(['ls', '-l', '--color=never', '-a'], ['run', '-H', 'h', 'ls', '-l', '--color=never', '-a']),
    undefined,
  );
  assert.is(refused(['uptime', '-F', 'cfg'], ['run', '-H', 'h', '--', 'uptime', '-F', 'cfg']), undefined);
  assert.is(refused(['-F'], ['run', '-H', 'h', '--', '-F']), undefined);
});

test('targets: labelled as written, duplicates and bad destinations refused, a password never a label', () => {
  assert.equal(resolveTargets(['web1', 'u@db:22']), [
    { destination: 'web1', name: 'web1' },
    { destination: 'u@db:22', name: 'u@db:22' },
  ]);
  assert.throws(
    () => resolveTargets([]),
    (e: unknown) => e instanceof UsageError && /no hosts/.test((e as Error).message),
  );
  assert.throws(
    () => resolveTargets(['a', 'b', 'a']),
    (e: unknown) => e instanceof UsageError && /host a is listed twice/.test((e as Error).message),
  );
  assert.throws(
    () => resolveTargets(['-oProxyCommand=x']),
    (e: unknown) => e instanceof UsageError && /bad destination/.test((e as Error).message),
  );
  assert.equal(resolveTargets(['me:s3cret@db']), [{ destination: 'me:s3cret@db' }]);
});

test(
  'connection options: batch mode always; -F and -o reach ' + 'the master and the tools; timeout ends silent commands',
  () => {
    assert.equal(connectionOptions({}), { batchMode: true });
    assert.equal(
      connectionOptions({
        user: 'u',
        identity: '/k',
        config: '/c',
        sshOption: ['Port=2', 'Compression=yes'],
        timeout: 5,
      }),
      {
        batchMode: true,
        user: 'u',
        keyPath: '/k',
        timeout: 5,
        killSshOnTimeout: true,
        masterOpts: ['-F', '/c', '-o', 'Port=2', '-o', 'Compression=yes'],
        defaultSshOpts: ['-F', '/c', '-o', 'Port=2', '-o', 'Compression=yes'],
      },
    );
  },
);

test('per-host directory names for get: safe, never . or ..', () => {
  assert.equal(['web1', 'deploy@db1:2222', '[::1]:22', 'a/b', '..', 'x y'].map(hostDirName), [
    'web1',
    'deploy@db1:2222',
    '_::1_:22',
    'a_b',
    '_..',
    'x_y',
  ]);
});

test('results in the summary: exit status, signal, errors only where the status does not say it', () => {
  const base = { host: 'h', durationMs: 5, bytesOut: 0, bytesErr: 0 };
  assert.equal(describeResult({ ...base, ok: true, exitCode: 0, signal: null }), { exit: '0', error: '' });
  assert.equal(
    describeResult({ ...base, ok: false, exitCode: 3, signal: null, error: slaveCmdFailed('h', 3, null, 'boom') }),
    { exit: '3', error: '' },
  );
  assert.equal(
    describeResult({
      ...base,
      ok: false,
      exitCode: null,
      signal: 'TERM',
      error: slaveCmdFailed('h', null, 'TERM', ''),
    }),
    { exit: 'TERM', error: '' },
  );
  const t = describeResult({ ...base, ok: false, exitCode: null, signal: null, error: slaveTimeout('h', 2, true) });
  assert.is(t.exit, '-');
  assert.match(t.error, /^OSSH_SLAVE_TIMEOUT: /);
  const table = summaryTable(
    [
      { host: 'web1', ok: true, exit: '0', durationMs: 120, error: '' },
      { host: 'down', ok: false, exit: '-', durationMs: undefined, error: 'OSSH_MASTER_FAILED: refused' },
    ],
    1520,
    paint(false),
  );
  assert.is(
    table,
    'HOST  EXIT  TIME    ERROR\nweb1  0     0.12 s\n' +
      'down  -     -       OSSH_MASTER_FAILED: refused\n1 ok, 1 failed, 2 hosts, 1.52 s\n',
  );
});

test.run();
