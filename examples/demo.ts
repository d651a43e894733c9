// A first run that works anywhere sshd is installed: starts a throwaway sshd on 127.0.0.1,
// connects through one master, runs a few commands, streams one, and cleans up.
//   npx tsx examples/demo.ts      (npm run demo is the CLI's demo: several hosts, see docs/cli.md)
//   npx tsx examples/demo.ts user@host   (a real host of yours, through your ~/.ssh/config)
import { OpenSSH } from '../src/index';
import { startSshd } from '../test/fixtures/sshd';

const target = process.argv[2];
const fixture = target ? undefined : await startSshd();
if (!target && !fixture) {
  console.error(
    'sshd is not installed: apt-get install openssh-server (or give a destination: npx tsx examples/demo.ts user@host)',
  );
  process.exit(1);
}
const ssh = target ? new OpenSSH(target) : new OpenSSH(fixture!.destination, fixture!.options());
ssh.state$.subscribe((s) => console.log(`[state] ${s.name}${s.name === 'failed' ? `: ${s.error.message}` : ''}`));

try {
  await ssh.waitForMaster();
  console.log('capture  ->', JSON.stringify(await ssh.capture('uname', '-sr')));
  const [out, err] = await ssh.capture2('echo to stdout; echo to stderr >&2');
  console.log('capture2 ->', JSON.stringify({ out, err }));
  console.log('quoting  ->', JSON.stringify(await ssh.capture('printf', '%s|', 'a b', "it's", '$HOME', '`id`')));
  console.log('test     ->', await ssh.test('test', '-d', '/tmp'), await ssh.test('test', '-d', '/nonexistent'));
  await ssh.system({ stdinData: 'system() with stdinData\n' }, 'cat');
  console.log('exec$    -> streaming three lines:');
  await new Promise<void>((resolve, reject) =>
    ssh.exec$('for i in 1 2 3; do echo line $i; sleep 0.2; done').subscribe({
      next: (e) => console.log('   ', e.type, e.type === 'exit' ? `code ${e.code}` : JSON.stringify(e.data.toString())),
      error: reject,
      complete: resolve,
    }),
  );
} catch (e) {
  console.error('demo failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await ssh.disconnect();
  await fixture?.stop();
}
