// exec$: a remote command as a cold Observable. Subscribing opens a channel and starts the command;
// unsubscribing before it ended closes the channel (remote signal where the engine can, else the ssh
// process is killed). The teardown is idempotent.
import { Observable } from 'rxjs';
import type { Channel, LendStreams } from '../core/channel';
import { isOpenSSHError, slaveFailed } from '../core/errors';
import { feedStdin, type StdinSource } from '../core/stdin-source';
import type { ExecEvent } from './events';

/** Opens the channel for one subscription: at once, or later. */
export type ChannelOpener = () => Channel | Promise<Channel>;

/**
 * The events of the command that `open` starts, with `stdin` fed into it. With `lend`, the chosen streams'
 * chunks may be views of buffers the engine reuses: only for subscribers done with each chunk when `next` returns.
 */
export const channelEvents$ = (open: ChannelOpener, stdin: StdinSource, host?: string, lend?: LendStreams): Observable<ExecEvent> =>
  new Observable<ExecEvent>((sub) => {
    let channel: Channel | undefined;
    let finished = false;
    let cancelled = false;
    let stopFeeding = () => {};
    const fail = (e: unknown) => {
      finished = true;
      sub.error(isOpenSSHError(e) ? e : slaveFailed(host, (e as Error)?.message ?? String(e), e));
    };
    const started = (ch: Channel) => {
      channel = ch;
      if (cancelled) return ch.close();
      if (lend && (lend.stdout || lend.stderr)) ch.lend?.(lend, (type, data) => sub.next({ type, data }));
      ch.stdout.on('data', (data: Buffer) => sub.next({ type: 'stdout', data }));
      ch.stderr.on('data', (data: Buffer) => sub.next({ type: 'stderr', data }));
      ch.exit.then(
        (status) => {
          finished = true;
          sub.next(status.note === undefined ? { type: 'exit', code: status.code, signal: status.signal } : { type: 'exit', code: status.code, signal: status.signal, note: status.note });
          sub.complete();
        },
        fail,
      );
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
      cancelled = true;
      stopFeeding();
      if (!finished) channel?.close();
    };
  });
