// The quoting modules throw their own QuotingError (they know nothing of connections); at the library's edge
// it becomes the OpenSSHError with the same code and the host. Its own file: options, call options and the
// remote command line all use it, and none of them should import another for it.
import { QuotingError } from '../quoting/quoting-error';
import { fromQuotingError } from './errors';

/** Runs `fn`, turning a QuotingError into the OpenSSHError with the same code (and the host). */
export const quoting = <T>(host: string | undefined, fn: () => T): T => {
  try {
    return fn();
  } catch (e) {
    throw e instanceof QuotingError ? fromQuotingError(host, e) : e;
  }
};
