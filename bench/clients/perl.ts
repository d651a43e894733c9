// Perl's Net::OpenSSH (Debian libnet-openssh-perl), when installed, over the same master.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { BenchClient } from './client';

const SCRIPT = fileURLToPath(new URL('./net-openssh.pl', import.meta.url));

/** Whether perl can load Net::OpenSSH here. */
export const perlAvailable = (): boolean =>
  spawnSync('perl', ['-MNet::OpenSSH', '-e', '1'], { stdio: 'ignore' }).status === 0;

export interface PerlTarget {
  ctlPath: string;
  host: string;
  port: number;
  user: string;
  configPath: string;
}

export const perlClient = (t: PerlTarget): BenchClient => {
  const run = async (mode: string, n: number, k = 1): Promise<number> => {
    const { stdout: out } = await promisify(execFile)(
      'perl',
      [SCRIPT, mode, String(n), String(k), t.ctlPath, t.host, String(t.port), t.user, t.configPath],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    return Number(out.trim());
  };
  return {
    name: 'Perl Net::OpenSSH',
    sequential: (n) => run('sequential', n),
    parallel: (n, k) => run('parallel', n, k),
    download: (bytes) => run('download', bytes),
    upload: (bytes) => run('upload', bytes),
    close: async () => {},
  };
};
