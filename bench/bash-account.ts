// The account whose login shell is bash, for the bench's bash rows (most users' accounts: prestarting does not
// apply there). As root it is made idempotently: `useradd -m -s /bin/bash netossh-bash` when missing, its shell
// set to bash when it has another, and its password field set to `*` (sshd refuses a locked account without PAM,
// even for keys). `BENCH_BASH_USER` names another account. Not as root: only oneself, when one's shell is bash.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

/** The bash account's name. */
export const BASH_USER = process.env.BENCH_BASH_USER ?? 'netossh-bash';

const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));

const shellOf = (user: string): string | undefined => {
  try {
    return execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':')[6];
  } catch {
    return undefined;
  }
};

/** The bash account to log in as, made if need be; or why there is none. */
export const ensureBashAccount = (): { user: string } | { why: string } => {
  if (!BASH) return { why: 'bash is not installed' };
  if (process.getuid?.() !== 0) {
    const me = userInfo().username;
    return shellOf(me)?.endsWith('/bash')
      ? { user: me }
      : { why: `not root, and ${me}'s login shell is not bash (run as root: the bench makes ${BASH_USER})` };
  }
  const shell = shellOf(BASH_USER);
  if (shell === undefined) execFileSync('useradd', ['-m', '-s', BASH, BASH_USER], { stdio: 'inherit' });
  else if (!shell.endsWith('/bash')) execFileSync('usermod', ['-s', BASH, BASH_USER], { stdio: 'inherit' });
  execFileSync('usermod', ['-p', '*', BASH_USER], { stdio: 'ignore' });
  return { user: BASH_USER };
};
