// The mux engine refuses a request the master would not carry: a CHANNEL_REQUEST packet over the master's
// proxy packet limit makes it close the whole proxy socket, failing every command on it, unrelated ones
// included. Refused here, that call alone fails, before anything is written.
//
// `engine: 'auto'` does not send such a call to the spawn engine instead: there each argument is limited
// by Linux's MAX_ARG_STRLEN (128 KiB), so it fails with E2BIG anyway (and the remote shell has the same
// limit on `sh -c`); refusing with the limit named is the clear behaviour.
import type { ChannelRequest } from '../../channel';
import { invalidArgument, type OpenSSHError } from '../../errors';
import { requestLength } from './codec';
import { MAX_PROXY_PACKET } from './messages';

const ADVICE = 'pass large data on stdin (`stdinData`, `stdinFile`) or in a file instead';

/** Why `req` is too large for one proxy packet, as an OSSH_INVALID_ARGUMENT error, or undefined when it fits. */
export const oversizedRequest = (req: ChannelRequest): OpenSSHError | undefined => {
  const over = (what: string, length: number) =>
    invalidArgument(
      `${what} is ${length} bytes as an SSH request, over the ${MAX_PROXY_PACKET}-byte packet limit of the ` +
        `mux engine (the master would drop every command on its socket); ${ADVICE}`,
    );
  for (const [k, v] of Object.entries(req.env ?? {})) {
    const length = requestLength('env', false, k, v);
    if (length > MAX_PROXY_PACKET) return over(`env value ${JSON.stringify(k)}`, length);
  }
  const cmd = req.command ?? '';
  if (req.kind === 'exec') {
    const length = requestLength('exec', true, Buffer.isBuffer(cmd) ? cmd : String(cmd));
    if (length > MAX_PROXY_PACKET) return over('the command line', length);
  } else if (req.kind === 'subsystem') {
    const length = requestLength('subsystem', true, String(cmd));
    if (length > MAX_PROXY_PACKET) return over('the subsystem name', length);
  }
  return undefined;
};
