// Pure: the master connection's state machine. No I/O: master.ts runs the effects it returns.
import type { OpenSSHError } from './errors';

/** The master's states, published on `state$`. */
export type MasterStateName =
  | 'idle' // connect: false and nothing asked for the master yet
  | 'connecting'
  | 'login' // a password or passphrase prompt is being answered
  | 'awaiting_mux' // ssh runs; waiting for its control socket
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'failed';

/** A state, with the error when `failed`. */
export type MasterState =
  | { /** The state's name. */ name: Exclude<MasterStateName, 'failed'> }
  | { /** `'failed'` */ name: 'failed' /** Why it failed. */; error: OpenSSHError };

/** What can happen to a master. */
export type MasterEvent =
  | { type: 'start' }
  | { type: 'spawned'; login: boolean }
  | { type: 'logged_in' }
  | { type: 'socket_ready' }
  | { type: 'fail'; error: OpenSSHError } // login timeout, bad ctlDir, check failure...
  | { type: 'exited'; error: OpenSSHError } // the ssh process ended (error used unless we were stopping)
  | { type: 'disconnect' }
  | { type: 'restart' };

/** Side effects for the adapter to run. */
export type MasterEffect = 'spawn' | 'kill' | 'fail_channels' | 'cancel_timers';

export interface Transition {
  state: MasterState;
  effects: MasterEffect[];
}

const LIVE = new Set<MasterStateName>(['connecting', 'login', 'awaiting_mux', 'running']);

/** Whether a master in this state may have a process of ours. */
export const isLive = (s: MasterState): boolean => LIVE.has(s.name);

/** Whether the state is final until a restart. */
export const isFinal = (s: MasterState): boolean => s.name === 'stopped' || s.name === 'failed';

/** Applies `event` to `state`. Events that make no sense in a state leave it unchanged with no effects. */
export const transition = (state: MasterState, event: MasterEvent): Transition => {
  const stay = { state, effects: [] };
  switch (event.type) {
    case 'start':
      return state.name === 'idle' ? { state: { name: 'connecting' }, effects: ['spawn'] } : stay;
    case 'restart':
      return isFinal(state) ? { state: { name: 'connecting' }, effects: ['spawn'] } : stay;
    case 'spawned':
      return state.name === 'connecting'
        ? { state: { name: event.login ? 'login' : 'awaiting_mux' }, effects: [] }
        : stay;
    case 'logged_in':
      return state.name === 'login' ? { state: { name: 'awaiting_mux' }, effects: [] } : stay;
    case 'socket_ready':
      return state.name === 'awaiting_mux' || state.name === 'login' || state.name === 'connecting'
        ? { state: { name: 'running' }, effects: ['cancel_timers'] }
        : stay;
    case 'fail':
      return isLive(state) || state.name === 'idle'
        ? { state: { name: 'failed', error: event.error }, effects: ['kill', 'fail_channels', 'cancel_timers'] }
        : stay;
    case 'exited':
      if (state.name === 'stopping') return { state: { name: 'stopped' }, effects: ['fail_channels', 'cancel_timers'] };
      return isLive(state)
        ? { state: { name: 'failed', error: event.error }, effects: ['fail_channels', 'cancel_timers'] }
        : stay;
    case 'disconnect':
      if (state.name === 'idle') return { state: { name: 'stopped' }, effects: [] };
      return isLive(state) ? { state: { name: 'stopping' }, effects: ['kill', 'cancel_timers'] } : stay;
  }
};
