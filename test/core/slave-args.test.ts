import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSshOpts, slaveArgs, slaveCommand } from '../../src/core/slave-args';
import type { ChannelRequest } from '../../src/core/channel';

const test = suite('core/slave-args');
const dest = ['-l', 'u', '--', 'h'];
const guard = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];
const args = (req: Partial<ChannelRequest>, defaults: string[] = []) =>
  slaveArgs({ kind: 'exec', stdin: 'ignore', ...req } as ChannelRequest, '/c', dest, defaults);

const CASES: Array<[string, Partial<ChannelRequest>, string[]]> = [
  ['exec', { command: "echo 'a b'" }, ['-S', '/c', ...guard, ...dest, "echo 'a b'"]],
  ['tty', { command: 'true', tty: true }, ['-S', '/c', ...guard, '-qtt', ...dest, 'true']],
  ['no tty', { command: 'true', tty: false }, ['-S', '/c', ...guard, '-T', ...dest, 'true']],
  ['subsystem', { kind: 'subsystem', command: 'sftp' }, ['-S', '/c', ...guard, '-Ts', ...dest, 'sftp']],
  ['agent + x11', { command: 'x', forwardAgent: true, forwardX11: false }, ['-S', '/c', ...guard, '-Ax', ...dest, 'x']],
  [
    'tcp tunnel',
    { kind: 'tunnel', tunnel: { host: '127.0.0.1', port: 80 } },
    ['-S', '/c', ...guard, '-T', '-W', '127.0.0.1:80', ...dest],
  ],
  [
    'ipv6 tunnel',
    { kind: 'tunnel', tunnel: { host: '::1', port: 80 } },
    ['-S', '/c', ...guard, '-T', '-W', '[::1]:80', ...dest],
  ],
  [
    'socket tunnel',
    { kind: 'tunnel', tunnel: { path: 'sock:et' } },
    ['-S', '/c', ...guard, '-T', '-W', './sock\\:et', ...dest],
  ],
  ['env', { command: 'env', env: { LANG: 'C' } }, ['-S', '/c', ...guard, '-o', 'SetEnv=LANG=C', ...dest, 'env']],
  ['shell', { kind: 'shell' }, ['-S', '/c', ...guard, ...dest]],
  ['call sshOpts replace defaults', { command: 'x', sshOpts: ['-v'] }, ['-S', '/c', ...guard, '-v', ...dest, 'x']],
];
for (const [name, req, want] of CASES) test(name, () => assert.equal(args(req), want));

test('defaultSshOpts come right after the guard when the call has none', () => {
  assert.equal(args({ command: 'x' }, ['-F', 'cfg']).slice(0, 8), ['-S', '/c', ...guard, '-F', 'cfg']);
});

// ssh keeps the first value of each option: the guard must come before anything the user passes, or a
// ProxyCommand/ProxyJump of theirs would let a slave connect on its own when the control socket is gone.
const GUARD_FIRST: Array<[string, string[], string[]]> = [
  ['-o ProxyCommand', ['-o', 'ProxyCommand=nc %h %p'], ['-o', 'ProxyCommand=nc %h %p']],
  ['-oProxyCommand', ['-oProxyCommand=nc %h %p'], ['-oProxyCommand=nc %h %p']],
  ['-o ProxyJump', ['-o', 'ProxyJump=j'], ['-o', 'ProxyJump=j']],
  ['-J as a keyword (ssh refuses -J after a ProxyCommand)', ['-J', 'u@j:2'], ['-o', 'ProxyJump=u@j:2']],
  ['-Jx', ['-Jj'], ['-o', 'ProxyJump=j']],
  ['-qJ x', ['-qJ', 'j', '-v'], ['-q', '-o', 'ProxyJump=j', '-v']],
  ['values are not flags', ['-i', '-J', '-l', 'J'], ['-i', '-J', '-l', 'J']],
];
for (const [name, opts, kept] of GUARD_FIRST) {
  test(`the guard comes first, before sshOpts: ${name}`, () =>
    assert.equal(args({ command: 'x', sshOpts: opts }), ['-S', '/c', ...guard, ...kept, ...dest, 'x']));
  test(`the guard comes first, before defaultSshOpts: ${name}`, () =>
    assert.equal(args({ command: 'x' }, opts), ['-S', '/c', ...guard, ...kept, ...dest, 'x']));
  test(`slaveCommand: the guard comes first: ${name}`, () => {
    const c = slaveCommand({
      sshCmd: 'ssh',
      ctlPath: '/c',
      host: 'h',
      user: 'u',
      port: undefined,
      destination: dest,
      defaultSshOpts: [],
      sshOpts: opts,
    });
    assert.equal(c.sshArgvNoHost, ['ssh', '-S', '/c', ...guard, ...kept, '-l', 'u']);
    assert.equal(c.sshOpts, kept);
  });
}

test('a non-UTF-8 command cannot go through argv', () => {
  assert.throws(() => args({ command: Buffer.from([0xff, 0xfe]) }), /UTF-8/);
  assert.is(args({ command: Buffer.from('caf\u00e9') }).at(-1), 'caf\u00e9');
});

for (const bad of [
  ['-S', '/x'],
  ['-o', 'ControlPath=/x'],
  ['-oControlMaster=yes'],
  ['-O', 'exit'],
  ['-o', 'controlpersist=1'],
  ['-qoControlPath=/x'],
  ['-qo', 'ControlPath=/x'],
  ['-o', '=ControlPath=/x'],
  ['-o', '"ControlPath"=/x'],
  ['-o', '\tControlMaster yes'],
  ['-vS/x'],
  ['-qM'],
  ['-Oexit'],
  ['-F', 'cfg', '-S', '/x'],
])
  test(`sshOpts may not change the master: ${JSON.stringify(bad)}`, () =>
    assert.throws(() => checkSshOpts(bad), /control socket/));
for (const bad of [['--', 'h'], ['h'], ['-v', 'h'], ['-']])
  test(`sshOpts hold options only: ${JSON.stringify(bad)}`, () =>
    assert.throws(() => checkSshOpts(bad), /ssh options only/));
test('an option missing its value is refused', () =>
  assert.throws(() => checkSshOpts(['-v', '-o']), /-o needs a value/));
test('other sshOpts pass, values are not read as flags', () => {
  for (const ok of [
    ['-o', 'LogLevel=ERROR', '-v'],
    ['-lSam'],
    ['-l', '-S'],
    ['-F', 'cfg', '-oControlPathX=1'],
    ['-i', 'key', '-qo', 'User=M'],
  ])
    assert.equal(checkSshOpts(ok), ok);
});

test('env values with blanks, quotes or backslashes are quoted for SetEnv; plain ones are not', () => {
  const env = (v: string) => args({ command: 'x', env: { A: v } })[7]; // after -S /c and the guard
  assert.is(env('C.UTF-8'), 'SetEnv=A=C.UTF-8');
  assert.is(env('a b'), 'SetEnv=A="a b"');
  assert.is(env('say "hi" \\ it\'s'), 'SetEnv=A="say \\"hi\\" \\\\ it\'s"');
});

test.run();
