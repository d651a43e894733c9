// exec$: a remote command as a cold Observable of its events, with the call's (else the connection's)
// timeout and cancellation applied. The connection's Observables all come through here.
import type { Observable } from 'rxjs';
import type { LendStreams } from '../core/channel';
import type { ExecEvent } from '../observables/events';
import { prepareCall } from './call';
import { commandEvents$ } from './command-events';
import type { CommandSite } from './site';

/**
 * The command's events: chunks in arrival order, then one exit event. Bad arguments throw at once. With `lend`, the
 * chosen streams' chunks may be views of buffers the engine reuses (for subscribers done with a chunk when `next`
 * returns: the stream shapes that decode it).
 */
export const exec$ = (site: CommandSite, args: readonly unknown[], lend?: LendStreams): Observable<ExecEvent> =>
  commandEvents$(site, prepareCall(site, 'exec$', args), lend);
