// zx's `$` on a remote host: each interpolation is quoted for the remote shell, and the result is
// zx's own ProcessPromise (nothrow, quiet, pipe, timeout, kill, lines/json, for await).
//   npx tsx examples/zx.ts             (a throwaway local sshd)
//   npx tsx examples/zx.ts user@host   (a real host of yours, through your ~/.ssh/config)
import { OpenSSH } from 'net-openssh';
import { remote$ } from 'net-openssh/zx';
import { startTestSshd } from 'net-openssh/testing';

const target = process.argv[2];
// no destination given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = target
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give a destination: npx tsx examples/zx.ts user@host)`);
      process.exit(1);
    });
const ssh = sshd ? new OpenSSH(sshd.host, sshd.options) : new OpenSSH(target!);
const $ = remote$(ssh, { quiet: true });

try {
  await ssh.waitForMaster();
  console.log('whoami    ->', (await $`whoami`).stdout.trim(), 'on', (await $`hostname`.text()).trim());

  // interpolations arrive as literal words, whatever they contain; arrays give one word each
  const name = `it's "quoted"; $(echo nope) \`echo nope\` *`;
  const words = ['a b', '', 'c;d'];
  console.log('literal   ->', (await $`printf '[%s]' ${name} ${words}`).stdout);

  const dir = (await $`mktemp -d`).stdout.trim();
  const file = `${dir}/my file.txt`; // a space in a remote path: quoted, one word
  await $`printf 'one\\ntwo\\nthree\\n' > ${file}`;
  console.log('lines     ->', await $`cat ${file}`.lines());
  console.log('json      ->', await $`echo '{"ok": true}'`.json());

  // a failure is zx's ProcessOutput; nothrow keeps it as a value
  const missing = await $({ nothrow: true })`ls ${`${dir}/missing`}`;
  console.log('nothrow   ->', { exitCode: missing.exitCode, stderr: missing.stderr.trim() });
  try {
    await $`exit 3`;
  } catch (e) {
    console.log('throws    ->', `exit code ${(e as { exitCode: number }).exitCode}`);
  }

  // pipes: remote into remote (through this process), remote into a local command
  console.log('pipe      ->', (await $`printf 'b\\na\\nc\\n'`.pipe($`sort -r`)).stdout.split('\n').join(' ').trim());
  console.log('local wc  ->', (await $`seq 1 1000`.pipe`wc -l`).stdout.trim(), 'lines counted locally');

  // stdin, timeout and kill reach the remote command (the mux engine sends real signals)
  console.log('input     ->', (await $({ input: 'shout\n' })`tr a-z A-Z`).stdout.trim());
  const slow = await $({ timeout: '300ms', nothrow: true })`sleep 30`;
  console.log('timeout   ->', slow.signal);
  const p = $`sleep 30`.nothrow();
  setTimeout(() => void p.kill('SIGINT'), 200);
  console.log('kill      ->', (await p).signal);
  for await (const line of $`for i in 1 2 3; do echo "tick $i"; sleep 0.1; done`) console.log('for await ->', line);

  await $`rm -rf ${dir}`;
} catch (e) {
  console.error('zx example failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await ssh.disconnect();
}
