// Tail a remote log and keep only the lines you want: `lines$` + rxjs `filter` / `take`. When `take`
// has its lines it unsubscribes, which ends the remote `tail -f` (checked at the end).
//   npx tsx examples/tail-filter.ts                                   (a throwaway local sshd and a generated log)
//   npx tsx examples/tail-filter.ts user@host /var/log/syslog sshd 5  (host, file, text to match, how many lines)
import { filter, lastValueFrom, take, tap, toArray } from 'rxjs';
import { OpenSSH } from 'net-openssh';
import { startTestSshd } from 'net-openssh/testing';

const [target, givenFile, pattern = 'ERROR', count = '5'] = process.argv.slice(2);
// no destination given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = target
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give a destination: npx tsx examples/tail-filter.ts user@host file pattern)`);
      process.exit(1);
    });
const ssh = sshd ? new OpenSSH(sshd.host, sshd.options) : new OpenSSH(target!);

try {
  await ssh.waitForMaster();
  let file = givenFile ?? '/var/log/syslog';
  let writer: { unsubscribe(): void } | undefined;
  if (!target) {
    // no host given: a log that grows while we watch it, one ERROR line in three
    file = (await ssh.capture('mktemp')).trim();
    writer = ssh
      .exec$(
        'i=0; while :; do i=$((i+1)); case $((i % 3)) in 0) l=ERROR;; *) l=INFO;; esac; ' +
          `echo "$(date +%T) $l request $i" >> ${ssh.shellQuote(file)}; sleep 0.05; done`,
      )
      .subscribe();
  }
  console.log(`following ${file} on ${ssh}, keeping ${count} lines containing ${JSON.stringify(pattern)}`);
  const kept = await lastValueFrom(
    ssh.lines$('tail', '-n', '0', '-F', file).pipe(
      filter((line) => line.includes(pattern)),
      take(Number(count)),
      tap((line) => console.log('  ', line)),
      toArray(),
    ),
  );
  writer?.unsubscribe(); // ends the remote writer loop too
  // take() unsubscribed: the remote tail must be gone
  // ([t] keeps pgrep from matching the shell that runs it; the TERM takes a moment to land)
  const probe = `pgrep -u "$(id -u)" -f ${ssh.shellQuote(`[t]ail -n 0 -F ${file}`)}`;
  let stillThere = true;
  for (let i = 0; i < 20 && stillThere; i++) {
    stillThere = await ssh.test(probe);
    if (stillThere) await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`kept ${kept.length} lines; remote tail still running: ${stillThere ? 'yes' : 'no'}`);
  if (!target) await ssh.system('rm', '-f', file);
  if (stillThere) process.exitCode = 1;
} catch (e) {
  console.error('tail-filter failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await ssh.disconnect();
}
