import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSshOpts, slaveArgs } from '../../src/core/slave-args';
import type { ChannelRequest } from '../../src/core/channel';

const test = suite('core/slave-args');
const dest = ['-l', 'u', '--', 'h'];
const guard = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];
const args = (req: Partial<ChannelRequest>, defaults: string[] = []) =>
  slaveArgs({ kind: 'exec', stdin: 'ignore', ...req } as ChannelRequest, '/c', dest, defaults);

const CASES: Array<[string, Partial<ChannelRequest>, string[]]> = [
  ['exec', { command: "echo 'a b'" }, ['-S', '/c', ...guard, ...dest, "echo 'a b'"]],
  ['tty', { command: 'true', tty: true }, ['-qtt', '-S', '/c', ...guard, ...dest, 'true']],
  ['no tty', { command: 'true', tty: false }, ['-T', '-S', '/c', ...guard, ...dest, 'true']],
  ['subsystem', { kind: 'subsystem', command: 'sftp' }, ['-Ts', '-S', '/c', ...guard, ...dest, 'sftp']],
  ['agent + x11', { command: 'x', forwardAgent: true, forwardX11: false }, ['-Ax', '-S', '/c', ...guard, ...dest, 'x']],
  [
    'tcp tunnel',
    { kind: 'tunnel', tunnel: { host: '127.0.0.1', port: 80 } },
    ['-T', '-W', '127.0.0.1:80', '-S', '/c', ...guard, ...dest],
  ],
  [
    'ipv6 tunnel',
    { kind: 'tunnel', tunnel: { host: '::1', port: 80 } },
    ['-T', '-W', '[::1]:80', '-S', '/c', ...guard, ...dest],
  ],
  [
    'socket tunnel',
    { kind: 'tunnel', tunnel: { path: 'sock:et' } },
    ['-T', '-W', './sock\\:et', '-S', '/c', ...guard, ...dest],
  ],
  ['env', { command: 'env', env: { LANG: 'C' } }, ['-o', 'SetEnv=LANG=C', '-S', '/c', ...guard, ...dest, 'env']],
  ['shell', { kind: 'shell' }, ['-S', '/c', ...guard, ...dest]],
  ['call sshOpts replace defaults', { command: 'x', sshOpts: ['-v'] }, ['-v', '-S', '/c', ...guard, ...dest, 'x']],
];
for (const [name, req, want] of CASES) test(name, () => assert.equal(args(req), want));

test('defaultSshOpts come first when the call has none', () => {
  assert.equal(args({ command: 'x' }, ['-F', 'cfg']).slice(0, 2), ['-F', 'cfg']);
});

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
  const env = (v: string) => args({ command: 'x', env: { A: v } })[1];
  assert.is(env('C.UTF-8'), 'SetEnv=A=C.UTF-8');
  assert.is(env('a b'), 'SetEnv=A="a b"');
  assert.is(env('say "hi" \\ it\'s'), 'SetEnv=A="say \\"hi\\" \\\\ it\'s"');
});

test.run();
