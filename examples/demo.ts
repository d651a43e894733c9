// A first run that works anywhere sshd is installed: starts a throwaway sshd on 127.0.0.1,
// connects through one master, runs a few commands, streams one, and cleans up.
//   npx tsx examples/demo.ts      (npm run demo is the CLI's demo: several hosts, see docs/cli.md)
//   npx tsx examples/demo.ts user@host   (a real host of yours, through your ~/.ssh/config)
// Copy it into your project as is (npm install net-openssh; run it with tsx).
import { OpenSSH } from 'net-openssh';
import { startTestSshd } from 'net-openssh/testing';

const target = process.argv[2];
// no destination given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = target
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give a destination: npx tsx examples/demo.ts user@host)`);
      process.exit(1);
    });
const ssh = sshd ? new OpenSSH(sshd.host, sshd.options) : new OpenSSH(target!);
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
}
