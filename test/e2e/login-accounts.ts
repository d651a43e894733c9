// Accounts and keys for the login tests: a password account (created as root, like CI does) and a
// passphrase-protected key. Nothing of anyone else's is changed or removed.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirePrereq } from '../helpers/prereq';
import type { SshdFixture } from '../fixtures/sshd';

/** The password account's name (NET_OPENSSH_TEST_PW_USER changes it). */
export const PW_USER = process.env.NET_OPENSSH_TEST_PW_USER ?? 'netossh-pw';
/** A password with characters a shell or a prompt parser could trip on. */
export const PW = "Pw d'x:y?$z\\1";

/** Creates (if missing) the password account and sets its password; false (skipped) when not root. */
export const ensurePasswordUser = (): boolean => {
  if (!requirePrereq(process.getuid?.() === 0, 'root (to create the password test account; CI runs as root)'))
    return false;
  const exists = () => {
    try {
      execFileSync('id', [PW_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  try {
    if (!exists()) execFileSync('useradd', ['-m', '-s', '/bin/sh', PW_USER], { stdio: 'pipe' });
  } catch (e) {
    if (!exists()) throw e; // else another run on this machine created it in the meantime
  }
  // the password goes through stdin, never argv
  execFileSync('chpasswd', [], { input: `${PW_USER}:${PW}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  return true;
};

/** A passphrase-protected ed25519 key in the fixture's dir, authorized for the fixture's user. */
export const passphraseKey = (f: SshdFixture, passphrase: string): string => {
  const path = join(f.dir, 'id_passphrase');
  try {
    readFileSync(path);
  } catch {
    execFileSync(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'net-openssh-test-passphrase', '-f', path],
      { stdio: 'ignore' },
    );
    appendFileSync(join(f.dir, 'authorized_keys'), readFileSync(`${path}.pub`));
  }
  return path;
};

/** ssh options that use only the fixture's known_hosts (no config file, so no other key is offered). */
export const bareOpts = (f: SshdFixture, logLevel = 'ERROR'): string[] => [
  '-F',
  '/dev/null',
  '-o',
  `UserKnownHostsFile=${f.knownHostsPath}`,
  '-o',
  'GlobalKnownHostsFile=/dev/null',
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  'UpdateHostKeys=no',
  '-o',
  'IdentityAgent=none',
  '-o',
  `LogLevel=${logLevel}`, // INFO shows sshd's Banner
];
