// Perl's Net::OpenSSH (Debian libnet-openssh-perl), when installed, over the same master.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { textCommand, type BenchClient } from './client';

const SCRIPT = fileURLToPath(new URL('./net-openssh.pl', import.meta.url));

/** Whether perl can load Net::OpenSSH here. */
export const perlAvailable = (): boolean =>
  spawnSync('perl', ['-MNet::OpenSSH', '-e', '1'], { stdio: 'ignore' }).status === 0;

/** Net::OpenSSH's version, or undefined when it is not installed. */
export const perlModuleVersion = (): string | undefined => {
  const r = spawnSync('perl', ['-MNet::OpenSSH', '-e', 'print $Net::OpenSSH::VERSION'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

export interface PerlTarget {
  ctlPath: string;
  host: string;
  port: number;
  user: string;
  configPath: string;
  /** The pid of the master behind `ctlPath`. */
  master: () => number | undefined;
}

export const perlClient = (t: PerlTarget): BenchClient => {
  const run = async (mode: string, n: number, k = 1, extra: string[] = []): Promise<number> => {
    const args = [SCRIPT, mode, String(n), String(k), t.ctlPath, t.host, String(t.port), t.user, t.configPath];
    try {
      const { stdout: out } = await promisify(execFile)('perl', [...args, ...extra], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      return Number(out.trim());
    } catch (e) {
      // the script's (or ssh's) last word, not the whole command line
      const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
      throw new Error(stderr.split('\n').pop() || (e as Error).message);
    }
  };
  return {
    name: 'Perl Net::OpenSSH',
    sequential: (n) => run('sequential', n),
    parallel: (n, k) => run('parallel', n, k),
    download: (bytes) => run('download', bytes),
    upload: (bytes) => run('upload', bytes),
    capture: (bytes) => run('capture', bytes, 1, [textCommand(bytes)]),
    masters: () => [t.master()].filter((p) => p !== undefined),
    close: async () => {},
  };
};
