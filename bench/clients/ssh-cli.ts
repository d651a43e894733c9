// The floor of the process-per-command approach: the `ssh -S` binary driven from bash (a loop,
// xargs -P, plain pipes), as a shell script would, over the same master.
import { spawn } from 'node:child_process';
import { textCommand, timed, type BenchClient } from './client';

const bash = (script: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d).slice(-400)));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`bash exited ${code}: ${err.trim().split('\n').pop() ?? ''}`)),
    );
  });

/**
 * `sshArgv` is the full ssh command naming the destination through the master (already shell-quoted); `master`
 * gives that master's pid.
 */
export const sshCliClient = (sshArgv: string, master: () => number | undefined): BenchClient => ({
  name: 'ssh -S (bash)',
  sequential: (n) => timed(() => bash(`for i in $(seq ${n}); do ${sshArgv} true || exit 1; done`)),
  parallel: (n, k) => timed(() => bash(`seq ${n} | xargs -P ${k} -I{} ${sshArgv} echo {} >/dev/null`)),
  download: (bytes) => timed(() => bash(`test "$(${sshArgv} head -c ${bytes} /dev/zero | wc -c)" = ${bytes}`)),
  upload: (bytes) => timed(() => bash(`test "$(head -c ${bytes} /dev/zero | ${sshArgv} wc -c)" = ${bytes}`)),
  capture: (bytes) => timed(() => bash(`test "$(${sshArgv} '${textCommand(bytes)}' | wc -c)" = ${bytes}`)),
  masters: () => [master()].filter((p) => p !== undefined),
  close: async () => {},
});
