// A channel's events as a cold Observable. Subscribing opens the channel and starts the command;
// unsubscribing before it ended closes the channel (a remote signal where the engine can, else the ssh
// process is killed), unless the call asked to leave a timed-out command running. The teardown is idempotent.
import { Observable } from 'rxjs';
import type { Channel, LendStreams } from '../core/channel';
import { isOpenSSHError, slaveFailed } from '../core/errors';
import { feedStdin, type StdinSource } from '../core/stdin-source';
import type { ExecEvent } from '../observables/events';
import type { OutputValve } from './output-valve';

/** Opens the channel for one subscription: at once, or later. */
export type ChannelOpener = () => Channel | Promise<Channel>;

/** What unsubscribing does to a command that has not ended: end it, or leave it running (drained, unread). */
export type OnCancel = () => 'close' | 'leave';

/** A channel we no longer listen to, left to end on its own: its output is read and dropped so it never stalls. */
const leaveRunning = (ch: Channel): void => {
  ch.stdout.resume();
  ch.stderr.resume();
  ch.exit.catch(() => {});
};

/**
 * The events of the command that `open` starts, with `stdin` fed into it. With `lend`, the chosen streams'
 * chunks may be views of buffers the engine reuses: only for subscribers done with each chunk when `next` returns.
 * With `valve`, the subscriber may hold the channel's output while it cannot take more (see OutputValve).
 */
export const channelEvents$ = (
  open: ChannelOpener,
  stdin: StdinSource,
  host?: string,
  lend?: LendStreams,
  onCancel: OnCancel = () => 'close',
  valve?: OutputValve,
): Observable<ExecEvent> =>
  new Observable<ExecEvent>((sub) => {
    let channel: Channel | undefined;
    let finished = false;
    let cancelled = false;
    let stopFeeding = () => {};
    const fail = (e: unknown) => {
      finished = true;
      sub.error(isOpenSSHError(e) ? e : slaveFailed(host, (e as Error)?.message ?? String(e), e));
    };
    const cancel = (ch: Channel) => (onCancel() === 'leave' ? leaveRunning(ch) : ch.close());
    const started = (ch: Channel) => {
      channel = ch;
      if (cancelled) return ch.close(); // never started for anyone: nothing to leave running
      if (lend && (lend.stdout || lend.stderr)) ch.lend?.(lend, (type, data) => sub.next({ type, data }));
      ch.stdout.on('data', (data: Buffer) => sub.next({ type: 'stdout', data }));
      ch.stderr.on('data', (data: Buffer) => sub.next({ type: 'stderr', data }));
      valve?.attach(ch);
      ch.exit.then((status) => {
        finished = true;
        const { code, signal, note } = status;
        sub.next(note === undefined ? { type: 'exit', code, signal } : { type: 'exit', code, signal, note });
        sub.complete();
      }, fail);
      stopFeeding = feedStdin(ch.stdin, stdin, fail);
    };
    let opened: Channel | Promise<Channel>;
    try {
      opened = open();
    } catch (e) {
      fail(e);
      return;
    }
    if (opened instanceof Promise) opened.then(started, fail);
    else started(opened);
    return () => {
      if (cancelled) return;
      cancelled = true;
      stopFeeding();
      if (!finished && channel) cancel(channel);
      // output held for a sink nobody writes to any more: let it flow (into nothing) so the streams can end
      channel?.stdout.resume();
      channel?.stderr.resume();
    };
  });
