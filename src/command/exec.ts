// exec$: a remote command as a cold Observable of its events, with the call's (else the connection's)
// timeout and cancellation applied. The connection's Observables all come through here.
import type { Observable } from 'rxjs';
import type { ExecEvent } from '../observables/events';
import { prepareCall } from './call';
import { commandEvents$ } from './command-events';
import type { CommandSite } from './site';

/** The command's events: chunks in arrival order, then one exit event. Bad arguments throw at once. */
export const exec$ = (site: CommandSite, args: readonly unknown[]): Observable<ExecEvent> =>
  commandEvents$(site, prepareCall(site, 'exec$', args));
