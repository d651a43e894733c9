// Where the control socket lives: ctlDir choice and creation (0700), the strictMode safety check of the
// directory and every parent, and the socket path length limit.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { noteCreatedCtlDir, removeCreated } from './ctl-dir-claims';
import { ctlDirFailed, type OpenSSHError } from './errors';
import { sshPathProblem } from './ssh-path';

/** Net::OpenSSH keeps its sockets in ~/.libnet-openssh-perl; ours live in ~/.net-openssh. */
export const defaultCtlDir = (): string => join(homedir(), '.net-openssh');

/**
 * Longest control path ssh can use on Linux: sun_path holds 108 bytes with the NUL, and ssh binds a
 * temporary `<path>.<16 random chars>` before renaming it into place, so 107 - 17 bytes remain.
 */
export const MAX_CTL_PATH = 90;

/** Why `dir` (or one of its parents) is unsafe for sockets, or undefined when it is safe. */
export const insecurePath = (dir: string, uid = process.geteuid?.() ?? 0): string | undefined => {
  let current = realpathSync(dir);
  for (;;) {
    const st = statSync(current);
    if (!st.isDirectory()) return `${current} is not a directory`;
    if (st.uid !== uid && st.uid !== 0)
      return `${current} is owned by uid ${st.uid}, neither you (uid ${uid}) nor root`;
    const sticky = (st.mode & 0o1000) !== 0;
    if ((st.mode & 0o022) !== 0 && !sticky)
      return (
        `${current} is writable by ${st.mode & 0o002 ? 'others' : 'its group'} (mode ` +
        `${(st.mode & 0o7777).toString(8)})`
      );
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
};

/**
 * Creates `dir` (0700) when missing and checks it; returns an error instead of throwing. When the check fails,
 * the directories this call created are removed again (only those, and only while empty).
 */
export const prepareCtlDir = (dir: string, strictMode: boolean, host?: string): OpenSSHError | undefined => {
  const abs = resolve(dir);
  // the directory ssh will really use is this one only if ssh can be handed its name (ssh-path.ts)
  const unusable = sshPathProblem(abs);
  if (unusable) return ctlDirFailed(host, `ctlDir ${abs} cannot hold control sockets: it ${unusable}`);
  let created: string | undefined;
  try {
    if (!existsSync(abs)) created = mkdirSync(abs, { recursive: true, mode: 0o700 });
  } catch (e) {
    return ctlDirFailed(host, `unable to create ctlDir ${abs}: ${(e as Error).message}`);
  }
  const bad = checkCtlDir(abs, strictMode, host);
  if (bad && created) removeCreated(abs, created);
  // the connections that use it remove it again when the last has ended (ctl-dir-claims.ts); not the default one
  else if (created && abs !== resolve(defaultCtlDir())) noteCreatedCtlDir(abs, created);
  return bad;
};

/** Why the existing directory `abs` cannot hold control sockets, or undefined. */
const checkCtlDir = (abs: string, strictMode: boolean, host?: string): OpenSSHError | undefined => {
  // checked with or without strictMode: otherwise ssh would start only to fail when it binds the socket
  try {
    if (!statSync(abs).isDirectory())
      return ctlDirFailed(host, `ctlDir ${abs} cannot hold control sockets: it is not a directory`);
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch (e) {
    return ctlDirFailed(host, `ctlDir ${abs} cannot hold control sockets: ${(e as Error).message}`);
  }
  if (!strictMode) return undefined;
  try {
    const why = insecurePath(abs);
    if (why)
      return ctlDirFailed(host, `ctlDir ${abs} is not secure: ${why}; fix the permissions or pass strictMode: false`);
  } catch (e) {
    return ctlDirFailed(host, `unable to check ctlDir ${abs}: ${(e as Error).message}`);
  }
  return undefined;
};

/** A new, unused control path inside `dir`. */
export const newCtlPath = (dir: string): string => {
  for (;;) {
    const p = join(resolve(dir), `ctl-${randomBytes(9).toString('hex')}`);
    if (!existsSync(p)) return p;
  }
};

/** Why `ctlPath` cannot be used, or undefined. `external` paths must be an existing socket; others must not exist. */
export const checkCtlPath = (ctlPath: string, external: boolean, host?: string): OpenSSHError | undefined => {
  const unusable = sshPathProblem(ctlPath);
  if (unusable) return ctlDirFailed(host, `unable to use ctlPath ${ctlPath}: it ${unusable}`);
  const bytes = Buffer.byteLength(ctlPath);
  if (bytes > MAX_CTL_PATH)
    return ctlDirFailed(
      host,
      `ctlPath ${ctlPath} is too long (${bytes} bytes; at most ${MAX_CTL_PATH} on this OS): choose a shorter ctlDir`,
    );
  let st: Stats;
  try {
    st = lstatSync(ctlPath);
  } catch {
    return external ? ctlDirFailed(host, `ctlPath ${ctlPath} does not exist: no master is listening there`) : undefined;
  }
  if (!external) return ctlDirFailed(host, `unable to use ctlPath ${ctlPath}: a file already exists there`);
  if (!st.isSocket()) return ctlDirFailed(host, `ctlPath ${ctlPath} does not point to a socket`);
  return undefined;
};
