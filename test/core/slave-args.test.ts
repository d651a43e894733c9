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
  ['tcp tunnel', { kind: 'tunnel', tunnel: { host: '127.0.0.1', port: 80 } }, ['-T', '-W', '127.0.0.1:80', '-S', '/c', ...guard, ...dest]],
  ['ipv6 tunnel', { kind: 'tunnel', tunnel: { host: '::1', port: 80 } }, ['-T', '-W', '[::1]:80', '-S', '/c', ...guard, ...dest]],
  ['socket tunnel', { kind: 'tunnel', tunnel: { path: 'sock:et' } }, ['-T', '-W', './sock\\:et', '-S', '/c', ...guard, ...dest]],
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

for (const bad of [['-S', '/x'], ['-o', 'ControlPath=/x'], ['-oControlMaster=yes'], ['-O', 'exit'], ['-o', 'controlpersist=1']])
  test(`sshOpts may not change the master: ${bad.join(' ')}`, () => assert.throws(() => checkSshOpts(bad), /control socket/));
test('other sshOpts pass', () => assert.equal(checkSshOpts(['-o', 'LogLevel=ERROR', '-v']), ['-o', 'LogLevel=ERROR', '-v']));

test.run();
