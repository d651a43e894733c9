// Pure parts of the transfers: argv builders, quoting for rsync's -e, option mapping, progress parsing, local glob.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSHError } from '../../src/index';
import { localGlob } from '../../src/transfers/local-glob';
import { LineSplitter, parseRsyncProgress } from '../../src/transfers/progress';
import { rsyncArgs, rsyncLongOptions, rsyncOptionName, rsyncRsh } from '../../src/transfers/rsync-args';
import { sshConfigQuoted } from '../../src/core/ssh-path';
import { localPathArg, scpArgs, scpSshOpts, sftpRemotePath } from '../../src/transfers/scp-args';
import type { SlaveBase } from '../../src/transfers/slave-base';
import { toolFailed } from '../../src/transfers/run-transfer';
import { slaveArgs, slaveCommand } from '../../src/core/slave-args';
import { effectiveTimeout } from '../../src/conn';
import { strict } from '../helpers/setup';

strict();
const test = suite('transfers: argv builders and parsers');
const base: SlaveBase = {
  host: '::1',
  hostSquared: '[::1]',
  user: 'bob',
  port: 2222,
  ctlPath: '/home/u/.net-openssh/ctl-1',
  sshCmd: 'ssh',
  sshOpts: ['-F', '/cfg', '-oLogLevel=ERROR'],
  sshArgvNoHost: [
    'ssh',
    '-F',
    '/c f',
    '-S',
    '/ctl',
    '-o',
    'ControlMaster=no',
    '-o',
    'ProxyCommand=false',
    '-l',
    'bob',
    '-p',
    '2222',
  ],
  destinationArgs: ['-l', 'bob', '-p', '2222', '--', '::1'],
};
const throwsInvalid = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, OpenSSHError);
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    return;
  }
  assert.unreachable('expected OSSH_INVALID_ARGUMENT');
};

test('scp argv: guard first, sftp mode, flags, -- before paths, IPv6 brackets, escaped remote paths', () => {
  const a = scpArgs({
    base,
    mode: 'sftp',
    direction: 'get',
    sources: ['/a*b', 'x y'],
    target: '-local:x',
    quiet: true,
    verbose: false,
    recursive: true,
    copyAttrs: true,
    bwlimit: 800,
    glob: false,
  });
  assert.equal(a, [
    '-o',
    'ControlPath="/home/u/.net-openssh/ctl-1"',
    '-o',
    'ControlMaster=no',
    '-o',
    'ProxyCommand=false',
    '-F',
    '/cfg',
    '-oLogLevel=ERROR',
    '-S',
    'ssh',
    '-P',
    '2222',
    '-o',
    'User="bob"',
    '-s',
    '-q',
    '-r',
    '-p',
    '-l',
    '800',
    '--',
    '[::1]:/a\\*b',
    '[::1]:x y',
    './-local:x',
  ]);
  const g = scpArgs({
    base,
    mode: 'sftp',
    direction: 'get',
    sources: ['/logs/*.gz'],
    target: '.',
    quiet: false,
    verbose: true,
    recursive: false,
    copyAttrs: false,
    glob: true,
  });
  assert.equal(g.slice(-4), ['-v', '--', '[::1]:/logs/*.gz', '.']);
  const p = scpArgs({
    base,
    mode: 'sftp',
    direction: 'put',
    sources: ['a:b', '/abs'],
    target: "it's *",
    quiet: true,
    verbose: false,
    recursive: false,
    copyAttrs: false,
    glob: false,
  });
  assert.equal(p.slice(-4), ['--', './a:b', '/abs', "[::1]:it's *"]);
  const legacy = scpArgs({
    base,
    mode: 'legacy',
    direction: 'get',
    sources: ["it's"],
    target: '.',
    quiet: true,
    verbose: false,
    recursive: false,
    copyAttrs: false,
    glob: false,
  });
  assert.ok(legacy.includes('-O'));
  assert.is(legacy.at(-2), "[::1]:it\\'s");
});

test('scp legacy mode: -T only for a get without glob; a leading dash gets ./; a newline is refused', () => {
  const sftpGet = {
    base,
    mode: 'sftp',
    direction: 'get',
    sources: ['/x'],
    target: '.',
    quiet: true,
    verbose: false,
    recursive: false,
    copyAttrs: false,
    glob: false,
  } as const;
  const args = (direction: 'get' | 'put', glob: boolean, paths: string[]) =>
    scpArgs({
      base,
      mode: 'legacy',
      direction,
      sources: direction === 'get' ? paths : ['/local'],
      target: direction === 'get' ? '.' : paths[0]!,
      quiet: true,
      verbose: false,
      recursive: false,
      copyAttrs: false,
      glob,
    });
  // the quoted word is what scp would check the server's names against: -T turns that check off
  assert.equal(args('get', false, ['/tmp/s p.log']).slice(-5), ['-T', '-q', '--', "[::1]:'/tmp/s p.log'", '.']);
  assert.not.ok(args('get', true, ['/tmp/*.log']).includes('-T'), 'glob: scp checks the names against the pattern');
  // ...quoted with its last part apart, so the check still works with a directory that needs quoting
  const spaced = args('get', true, ['/tmp/a b/*.log']);
  assert.equal([spaced.includes('-T'), spaced.at(-2)], [false, "[::1]:/tmp/a' b'/*.log"]);
  // ...but it never passes when the pattern itself needed quoting: -T then too
  const quotedPattern = args('get', true, ['/tmp/s p*.log']);
  assert.equal([quotedPattern.includes('-T'), quotedPattern.at(-2)], [true, "[::1]:/tmp/s' p'*.log"]);
  assert.not.ok(args('put', false, ['/tmp/s p']).includes('-T'));
  assert.not.ok(scpArgs({ ...sftpGet, sources: ['/tmp/s p.log'] }).includes('-T'), 'sftp mode: no such check');
  assert.is(args('get', false, ['-x y']).at(-2), "[::1]:'./-x y'");
  assert.is(args('put', false, ['-x']).at(-1), '[::1]:./-x');
  assert.is(args('get', false, ['/abs/-x']).at(-2), '[::1]:/abs/-x');
  for (const [direction, p] of [
    ['get', 'a\nb'],
    ['put', 'a\nb'],
  ] as const)
    throwsInvalid(() => args(direction, false, [p]));
  throwsInvalid(() => scpArgs({ ...sftpGet, mode: 'legacy', target: 'x\ny' }));
  // sftp mode carries a newline as it is
  assert.is(scpArgs({ ...sftpGet, sources: ['a\nb'] }).at(-2), '[::1]:a\nb');
});

test('scp: ssh options with another meaning for scp are refused; paths and -o values are made safe', () => {
  assert.equal(scpSshOpts(['-o', 'A=b', '-F', 'x', '-4C', '-iKEY', '-J', 'jump']), [
    '-o',
    'A=b',
    '-F',
    'x',
    '-4C',
    '-iKEY',
    '-J',
    'jump',
  ]);
  for (const bad of [['-l', 'bob'], ['-p', '22'], ['-T'], ['-X'], ['-R', 'x'], ['plain'], ['-o']])
    throwsInvalid(() => scpSshOpts(bad));
  assert.is(localPathArg('-rf'), './-rf');
  assert.is(localPathArg('host:path'), './host:path');
  assert.is(localPathArg('/abs:x'), '/abs:x');
  assert.is(localPathArg('dir/a:b'), 'dir/a:b');
  assert.is(sftpRemotePath('a[1]*?\\', false), 'a\\[1\\]\\*\\?\\\\');
  assert.is(sftpRemotePath('a*', true), 'a*');
  assert.is(sshConfigQuoted('/a b/%h'), '"/a b/%h"');
  assert.is(sshConfigQuoted('a"b\\c'), '"a\\"b\\\\c"');
  throwsInvalid(() => sshConfigQuoted('a\nb'));
});

test("rsync -e string follows rsync's splitting (spaces; quotes; doubled quotes)", () => {
  assert.is(rsyncRsh(['ssh', '-F', "/it's dir/cfg", '-o', 'A=b c', '']), "ssh -F '/it''s dir/cfg' -o 'A=b c' ''");
  const a = rsyncArgs({
    sshArgvNoHost: base.sshArgvNoHost,
    hostSquared: 'h',
    direction: 'put',
    sources: ['-x'],
    target: 'dir with space/',
    quiet: true,
    verbose: 2,
    recursive: true,
    copyAttrs: true,
    bwlimit: 800,
    timeout: 5,
    progress: false,
    glob: false,
    extra: { safeLinks: true, exclude: ['*~', 'b'] },
  });
  assert.equal(a, [
    '-e',
    "ssh -F '/c f' -S /ctl -o ControlMaster=no -o ProxyCommand=false -l bob -p 2222",
    '--old-args',
    '-q',
    '-vv',
    '-r',
    '-pt',
    '--bwlimit=800',
    '--timeout=5',
    '--safe-links',
    '--exclude=*~',
    '--exclude=b',
    '--',
    './-x',
    "h:'dir with space/'",
  ]);
});

test('rsync option keys: names, values, arrays, false, forbidden ones', () => {
  assert.is(rsyncOptionName('safeLinks'), 'safe-links');
  assert.is(rsyncOptionName('no_perms'), 'no-perms');
  assert.is(rsyncOptionName('max-size'), 'max-size');
  assert.equal(rsyncLongOptions({ a: true, b: false, c: 3, d: ['x', 'y z'], e: undefined }), [
    '--a',
    '--c=3',
    '--d=x',
    '--d=y z',
  ]);
  for (const bad of [
    { rsh: 'x' },
    { e: 'x' },
    { protectArgs: true },
    { noProtectArgs: true },
    { secludedArgs: true },
    { 'bad name!': true },
    { x: {} },
    { x: null },
  ])
    throwsInvalid(() => rsyncLongOptions(bad));
});

test('rsync progress2 lines', () => {
  assert.equal(parseRsyncProgress('      4,259,840  14%    4.03MB/s    0:00:06  '), {
    bytes: 4259840,
    total: Math.round(4259840 / 0.14),
    rate: 4.03 * 1024 * 1024,
  });
  assert.equal(parseRsyncProgress('   30,000,000 100%   10.19MB/s    0:00:02 (xfr#1, to-chk=0/1)'), {
    bytes: 30000000,
    total: 30000000,
    rate: 10.19 * 1024 * 1024,
  });
  assert.equal(parseRsyncProgress('              0   0%    0.00kB/s    0:00:00  '), {
    bytes: 0,
    total: undefined,
    rate: 0,
  });
  assert.is(parseRsyncProgress('sending incremental file list'), undefined);
  const s = new LineSplitter();
  assert.equal(s.push('\r  1 '), []);
  assert.equal(s.push('0%\r  2'), ['  1 0%']);
  assert.equal(s.flush(), ['  2']);
});

test('local glob: *, ?, [..], escapes, dot files, nocheck, nested segments', () => {
  const d = mkdtempSync(join(tmpdir(), 'net-openssh-glob-'));
  try {
    for (const nm of ['a.txt', 'b.txt', 'c.log', '.hidden.txt', 'a*b', 'sub']) {
      if (nm === 'sub') mkdirSync(join(d, nm));
      else writeFileSync(join(d, nm), nm);
    }
    writeFileSync(join(d, 'sub', 'x.txt'), 'x');
    assert.equal(localGlob(join(d, '*.txt')), [join(d, 'a.txt'), join(d, 'b.txt')]);
    assert.equal(localGlob(join(d, '*.txt'), { dot: true }), [
      join(d, '.hidden.txt'),
      join(d, 'a.txt'),
      join(d, 'b.txt'),
    ]);
    assert.equal(localGlob(join(d, '?.log')), [join(d, 'c.log')]);
    assert.equal(localGlob(join(d, '[ab].txt')), [join(d, 'a.txt'), join(d, 'b.txt')]);
    assert.equal(localGlob(join(d, '[!a].txt')), [join(d, 'b.txt')]);
    assert.equal(localGlob(join(d, 'a\\*b')), [join(d, 'a*b')]);
    assert.equal(localGlob(join(d, '*', 'x.txt')), [join(d, 'sub', 'x.txt')]);
    assert.equal(localGlob(join(d, 'A.TXT'), { nocase: true }), []); // no wildcard: taken literally
    assert.equal(localGlob(join(d, 'A*.TXT'), { nocase: true }), [join(d, 'a.txt')]);
    assert.equal(localGlob(join(d, '*.none')), []);
    assert.equal(localGlob(join(d, '*.none'), { nocheck: true }), [join(d, '*.none')]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test(
  'slaveCommand: the parts of the argv slaveArgs builds ' + '(options, flags, guard, destination); bad sshOpts refused',
  () => {
    const input = {
      sshCmd: 'ssh',
      ctlPath: '/ctl',
      host: '::1',
      user: 'bob',
      port: 2222,
      destination: ['-l', 'bob', '-p', '2222', '--', '::1'],
      defaultSshOpts: ['-F', '/cfg'],
    };
    const c = slaveCommand(input);
    assert.equal(c, {
      host: '::1',
      hostSquared: '[::1]',
      user: 'bob',
      port: 2222,
      ctlPath: '/ctl',
      sshCmd: 'ssh',
      sshOpts: ['-F', '/cfg'],
      sshArgvNoHost: [
        'ssh',
        '-S',
        '/ctl',
        '-o',
        'ControlMaster=no',
        '-o',
        'ProxyCommand=false',
        '-F',
        '/cfg',
        '-l',
        'bob',
        '-p',
        '2222',
      ],
      destinationArgs: ['-l', 'bob', '-p', '2222', '--', '::1'],
    });
    // the same words, in the same order, as the argv of a command over the master
    const req = { kind: 'exec', command: 'true', stdin: 'pipe' } as const;
    const argv = slaveArgs(req, '/ctl', input.destination, input.defaultSshOpts);
    assert.equal(['ssh', ...argv], [...c.sshArgvNoHost, '--', '::1', 'true']);
    // the call's sshOpts replace the defaults; forwardAgent 'always' adds -A as slaveArgs does
    const d = slaveCommand({ ...input, sshOpts: ['-o', 'Compression=yes'], forwardAgent: true });
    assert.equal(d.sshOpts, ['-o', 'Compression=yes', '-A']);
    assert.equal(d.sshArgvNoHost.slice(0, 10), [
      'ssh',
      '-S',
      '/ctl',
      '-o',
      'ControlMaster=no',
      '-o',
      'ProxyCommand=false',
      '-o',
      'Compression=yes',
      '-A',
    ]);
    const plainHost = { ...input, host: 'h', destination: ['--', 'h'], user: undefined, port: undefined };
    assert.is(slaveCommand(plainHost).hostSquared, 'h');
    for (const bad of [['-S', '/other'], ['-oControlPath=/x'], ['-M'], ['host']])
      throwsInvalid(() => slaveCommand({ ...input, sshOpts: bad }));
  },
);

test("effectiveTimeout: the call's, else the connection's; 0 turns it off", () => {
  assert.is(effectiveTimeout(undefined, undefined), undefined);
  assert.is(effectiveTimeout(undefined, 5), 5);
  assert.is(effectiveTimeout(2, 5), 2);
  assert.is(effectiveTimeout(0, 5), undefined);
  assert.is(effectiveTimeout(undefined, 0), undefined);
  assert.is(effectiveTimeout(3, undefined), 3);
});

test("a tool's error keeps its last lines and the line naming the system error, even when more lines follow", () => {
  const stderr = [
    'rsync: [receiver] write failed on "/full/c.bin": No space left on device (28)',
    'rsync error: error in file IO (code 11) at receiver.c(381) [receiver=3.2.7]',
    'rsync: [generator] write error: Broken pipe (32)',
    'rsync: connection unexpectedly closed (95 bytes received so far) [generator]',
    'rsync error: error in rsync protocol data stream (code 12) at io.c(231) [generator=3.2.7]',
  ].join('\n');
  const e = toolFailed({ tool: 'rsync', what: 'get /a -> /full/c.bin' }, 'h', 12, null, stderr);
  assert.match(e.message, 'No space left on device (28)');
  assert.match(e.message, 'rsync exited with code 12');
  assert.match(e.message, /error in rsync protocol data stream/);
  // when the cause is among the last lines it is not repeated
  const short = toolFailed({ tool: 'scp', what: 'get' }, 'h', 1, null, 'scp: /x: No such file or directory (2)\n');
  assert.is(short.message.split('No such file').length, 2);
});

test.run();
