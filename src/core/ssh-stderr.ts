// The one place that reads ssh's diagnostics and says what went wrong in words a user can act on.

/** What ssh's stderr says about a failed connection. */
export interface SshDiagnosis {
  /** Why, for the message: "<reason>". */
  reason: string;
  /** The ssh line the reason is based on, if any. */
  line?: string | undefined;
}

const RULES: Array<[RegExp, string]> = [
  [
    /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i,
    "the remote host public key doesn't match the one stored locally (known_hosts): the host was reinstalled " +
      'or someone is intercepting the connection',
  ],
  [
    /No \S+ host key is known for|authenticity of host .* can't be established|Host key verification failed/i,
    "the authenticity of the target host can't be established: its public key is not in the known_hosts file " +
      '(connect once with ssh to check and add it)',
  ],
  [
    /Too many authentication failures/i,
    'too many authentication failures: the agent offers too many keys; pass keyPath (IdentitiesOnly is set with it)',
  ],
  [
    /Permission denied \(/i,
    'authentication failed (permission denied): check the user name, the key (keyPath) or the password',
  ],
  [/Connection refused/i, 'connection refused: is sshd running on that host and port?'],
  [/Could not resolve hostname|Name or service not known|nodename nor servname/i, 'could not resolve the host name'],
  [
    /Connection timed out|Operation timed out|timed out during banner exchange/i,
    'the connection timed out: check the host, the port and firewalls',
  ],
  [/No route to host|Network is unreachable/i, 'the host is unreachable from here'],
  [
    /Bad configuration option|Bad .* option|command-line line \d+/i,
    'ssh rejected an option: check masterOpts / defaultSshOpts',
  ],
  [
    /Can't open user config file|no such identity|Load key .*: No such file/i,
    'ssh could not read a file it was given (config or key)',
  ],
  [
    /kex_exchange_identification|Connection closed by|Connection reset by/i,
    'the server closed the connection before login (MaxStartups, a firewall, or not an SSH server)',
  ],
  [
    /ControlPath .* too long|too long for Unix domain socket/i,
    'the control socket path is too long: choose a shorter ctlDir',
  ],
];

const NOISE = /^(Warning: Permanently added|Pseudo-terminal will not be allocated|debug\d:)/;

/** Meaningful lines of ssh's stderr (drops noise such as "Warning: Permanently added"). */
export const sshLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.test(l));

/** Classifies ssh's stderr after a failed connection; undefined when nothing is recognised or said. */
export const classifySshStderr = (text: string): SshDiagnosis | undefined => {
  const lines = sshLines(text);
  for (const [re, reason] of RULES) {
    const line = lines.find((l) => re.test(l));
    if (line !== undefined) return { reason, line };
  }
  const last = lines.at(-1);
  return last === undefined ? undefined : { reason: `ssh said: ${last}`, line: last };
};

/** "<reason> (ssh: <line>)" for error messages. */
export const describeSshFailure = (text: string, fallback: string): string => {
  const d = classifySshStderr(text);
  if (!d) return fallback;
  // ssh prefixes some of its lines with its own name ("ssh: connect to host ..."): not said twice
  const line = d.line?.replace(/^ssh: /, '');
  return line && !d.reason.includes(line) ? `${d.reason} (ssh: ${line})` : d.reason;
};
