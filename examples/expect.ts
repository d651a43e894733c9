// An Expect-style session: a remote interactive program driven through a local pty (open2pty).
//   npx tsx examples/expect.ts             (a throwaway local sshd on 127.0.0.1)
//   npx tsx examples/expect.ts user@host   (a real host of yours, through your ~/.ssh/config)
import { OpenSSH } from 'net-openssh';
import { startTestSshd } from 'net-openssh/testing';

const target = process.argv[2];
// no destination given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = target
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give a destination: npx tsx examples/expect.ts user@host)`);
      process.exit(1);
    });
const ssh = sshd ? new OpenSSH(sshd.host, sshd.options) : new OpenSSH(target!);

// A small dialogue a person would normally type answers to.
const program = [
  'read -p "Name? " name',
  'read -p "Favourite number? " n',
  'echo "hello $name, twice $n is $((n * 2))"',
  'read -p "Quit (y/n)? " q',
  'test "$q" = y && exit 0 || exit 1',
].join('; ');

try {
  await ssh.waitForMaster();
  const pty = await ssh.open2pty({ cols: 100, rows: 30 }, program);
  await pty.expect('Name? ');
  pty.write('Ada\r');
  await pty.expect('Favourite number? ');
  pty.write('21\r');
  const line = await pty.expect(/hello .* is \d+/);
  console.log('the program said:', JSON.stringify(line.trim().split('\n').pop()));
  await pty.expect('Quit (y/n)? ');
  pty.write('y\r');
  console.log('exit status:', await pty.exit);
  console.log('--- what the terminal showed ---');
  console.log(pty.output.replace(/\r/g, ''));
} catch (e) {
  console.error('expect example failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await ssh.disconnect();
}
