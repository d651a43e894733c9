// The one place where a call's timeout, cancellation and kill-on-timeout are applied: every method and
// Observable of a connection runs its command through here.
import { defer, type Observable } from 'rxjs';
import type { Channel, LendStreams } from '../core/channel';
import { sessionWaitTimeout, slaveTimeout } from '../core/errors';
import type { ExecEvent } from '../observables/events';
import { abortable } from '../observables/operators/abortable';
import { inactivityTimeout } from '../observables/operators/inactivity-timeout';
import type { Call } from './call';
import { channelEvents$ } from './channel-events';
import { serverRefusal } from './server-refusal';
import type { OutputValve } from './output-valve';
import type { CommandSite } from './site';

/**
 * The call's command as a cold Observable of its events. `timeout` errors with OSSH_SLAVE_TIMEOUT after that
 * many seconds without traffic and ends the command (or, for a Promise method with `killSshOnTimeout: false`,
 * leaves it running unread, as Net::OpenSSH does); the call's AbortSignal ends it with OSSH_ABORTED. While
 * `valve` holds the output (a Promise method's sink is full), the timeout's clock stops: the silence is ours.
 */
export const commandEvents$ = (
  site: CommandSite,
  call: Call,
  lend?: LendStreams,
  valve?: OutputValve,
): Observable<ExecEvent> =>
  defer(() => {
    let timedOut = false;
    let channel: Channel | undefined;
    const open = () => {
      const opened = site.openChannel(call.request, call.engine);
      if (!(opened instanceof Promise)) return (channel = opened);
      return opened.then((ch) => (channel = ch));
    };
    const onCancel = () => (timedOut && !call.kill ? 'leave' : 'close');
    let events$ = channelEvents$(open, call.stdin, call.host, lend, onCancel, valve).pipe(serverRefusal(call));
    const seconds = call.timeout;
    if (seconds !== undefined) {
      // called as the timer fires, before the channel is let go: the teardown then knows to leave it running. A
      // channel still waiting for a free session never started: it is closed (taken out of the wait), never left
      const error = () => {
        const held = channel?.waitingFor?.();
        if (held !== undefined) return sessionWaitTimeout(call.host, seconds, held);
        timedOut = true;
        return slaveTimeout(call.host, seconds, call.kill);
      };
      const paused = valve?.held$;
      events$ = events$.pipe(
        inactivityTimeout(seconds, { host: call.host, error, loopAware: true, ...(paused && { paused }) }),
      );
    }
    if (call.signal !== undefined) events$ = events$.pipe(abortable(call.signal, { host: call.host }));
    return events$;
  });
