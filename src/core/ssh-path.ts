// Local paths as ssh must be given them so that it uses exactly the file we named. ssh expands `%` tokens
// (`%h`, `%d`, `%%`...) and `${VAR}` in ControlPath (`-S`) and IdentityFile (ssh_config(5), TOKENS and
// ENVIRONMENT VARIABLES), after a leading `~`. `%` has an escape (`%%`); `${` has none (`$${`, `\${` and
// `$%%{` do not give it), so a path holding `${` is refused. `-F` and `-E` take their file as written (tried with
// OpenSSH 9.2), and the CLI's `-F` goes there, so they need nothing.
import { invalidArgument } from './errors';

/** Why ssh could not be handed `path` faithfully, or undefined; `inConfig`: as an ssh_config value (one line). */
export const sshPathProblem = (path: string, inConfig = false): string | undefined => {
  if (path.includes('${'))
    return 'holds "${", which ssh expands as an environment variable and cannot escape; choose a path without it';
  if (inConfig && /[\n\r\0]/.test(path)) return 'must not contain a line break or a NUL byte';
  return undefined;
};

/** Throws OSSH_INVALID_ARGUMENT when `path` (the option `name`) cannot reach ssh as written. */
export const checkSshPath = (name: string, path: string | undefined, inConfig = false): string | undefined => {
  const why = path === undefined ? undefined : sshPathProblem(path, inConfig);
  if (why) throw invalidArgument(`\`${name}\` ${why}`, path);
  return path;
};

/** `%` doubled: ssh's token expansion turns it back into the path we checked. */
const escapeTokens = (path: string): string => path.replace(/%/g, '%%');

/**
 * A control socket path for `ssh -S`: tokens escaped, and a relative path given as `./path`, so that
 * neither a leading `~` nor the word `none` (which turns sharing off) means something else to ssh.
 */
export const sshControlPath = (path: string): string => {
  checkSshPath('ctlPath', path);
  return escapeTokens(path.startsWith('/') ? path : `./${path}`);
};

/**
 * A value inside double quotes for an ssh_config line or `-o Keyword=value`, with `\\` and `"` escaped:
 * ssh splits such a line as a shell would (blanks, `#`, quotes), and keeps a quoted value whole.
 */
export const sshConfigQuoted = (value: string): string => {
  if (/[\n\r\0]/.test(value))
    throw invalidArgument(`cannot pass ${JSON.stringify(value)} in an ssh option: it holds a line break or a NUL byte`);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
};

/**
 * `keyPath` as an `-o IdentityFile=` value: tokens escaped, quoted (sshConfigQuoted) so blanks and `#` stay
 * part of it. A leading `~` is ssh's home directory, as with `ssh -i`.
 * Not `-i`: ssh checks an `-i` file before expanding tokens, so a name with `%` fails either way.
 */
export const sshIdentityFile = (path: string): string => {
  checkSshPath('keyPath', path, true);
  return `IdentityFile=${sshConfigPath(path)}`;
};

/** A path for an ssh_config or sshd_config line that expands %-tokens (IdentityFile, AuthorizedKeysFile...). */
export const sshConfigPath = (path: string): string => {
  checkSshPath('path', path, true);
  return sshConfigQuoted(escapeTokens(path));
};

/** A control socket path as an `-o ControlPath=` value (scp's ssh): as `-S` takes it, quoted. */
export const sshControlPathOption = (path: string): string => {
  checkSshPath('ctlPath', path, true);
  return `ControlPath=${sshConfigQuoted(sshControlPath(path))}`;
};
