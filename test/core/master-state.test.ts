import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { transition, type MasterEvent, type MasterState } from '../../src/core/master-state';
import { masterFailed } from '../../src/core/errors';

const test = suite('core/master-state');
const err = masterFailed('h', 'boom');
const run = (events: MasterEvent[], from: MasterState = { name: 'idle' }) => {
  let s = from;
  const effects: string[] = [];
  const names: string[] = [];
  for (const e of events) {
    const t = transition(s, e);
    s = t.state;
    names.push(s.name);
    effects.push(...t.effects);
  }
  return { s, names, effects };
};

test('happy path', () => {
  const r = run([
    { type: 'start' },
    { type: 'spawned', login: false },
    { type: 'socket_ready' },
    { type: 'disconnect' },
    { type: 'exited', error: err },
  ]);
  assert.equal(r.names, ['connecting', 'awaiting_mux', 'running', 'stopping', 'stopped']);
  assert.equal(r.effects, ['spawn', 'cancel_timers', 'kill', 'cancel_timers', 'fail_channels', 'cancel_timers']);
});

test('login state with a pty', () => {
  assert.equal(
    run([{ type: 'start' }, { type: 'spawned', login: true }, { type: 'logged_in' }, { type: 'socket_ready' }]).names,
    ['connecting', 'login', 'awaiting_mux', 'running'],
  );
});

test('the master exiting while running fails everything', () => {
  const r = run([
    { type: 'start' },
    { type: 'spawned', login: false },
    { type: 'socket_ready' },
    { type: 'exited', error: err },
  ]);
  assert.is(r.s.name, 'failed');
  assert.is(r.s.name === 'failed' && r.s.error, err);
  assert.ok(r.effects.includes('fail_channels'));
});

test('a failure while connecting kills the master', () => {
  const r = run([{ type: 'start' }, { type: 'spawned', login: false }, { type: 'fail', error: err }]);
  assert.is(r.s.name, 'failed');
  assert.ok(r.effects.includes('kill'));
});

test('final states ignore late events; restart starts again', () => {
  const failed: MasterState = { name: 'failed', error: err };
  for (const e of [
    { type: 'socket_ready' },
    { type: 'exited', error: err },
    { type: 'disconnect' },
    { type: 'start' },
  ] as MasterEvent[])
    assert.is(transition(failed, e).state, failed);
  assert.equal(transition(failed, { type: 'restart' }), { state: { name: 'connecting' }, effects: ['spawn'] });
});

test('disconnect before start just stops', () => {
  assert.equal(run([{ type: 'disconnect' }]).names, ['stopped']);
});

test.run();
