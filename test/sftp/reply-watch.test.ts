// Pure: the SFTP client's request timeout follows the oldest pending request (sftp/reply-watch.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplyWatch } from '../../src/sftp/reply-watch';
import { eventually, sleep, strict } from '../helpers/setup';

strict();
const test = suite('sftp: reply watch');

test('a request left pending expires; nothing pending, stopped, or no timeout: nothing expires', async () => {
  let head: number | undefined = 7;
  let expired = 0;
  const w = new ReplyWatch(
    0.05,
    () => head,
    () => expired++,
  );
  w.follow();
  assert.ok(await eventually(() => expired === 1, 5000), 'the pending request expired');
  // nothing pending: following arms nothing
  head = undefined;
  w.follow();
  // stopped before its time
  head = 8;
  const s = new ReplyWatch(
    0.05,
    () => head,
    () => expired++,
  );
  s.follow();
  s.stop();
  // no timeout at all
  new ReplyWatch(
    undefined,
    () => head,
    () => expired++,
  ).follow();
  await sleep(200);
  assert.is(expired, 1);
});

test('a new oldest request restarts the clock; expiry comes for the request then pending', async () => {
  let head: number | undefined = 1;
  const expiredFor: Array<number | undefined> = [];
  const w = new ReplyWatch(
    0.3,
    () => head,
    () => expiredFor.push(head),
  );
  w.follow();
  w.follow(); // a later request was sent: the oldest is still 1, its clock is not reset
  head = 2; // 1 was answered
  w.follow();
  assert.ok(await eventually(() => expiredFor.length === 1, 5000));
  assert.equal(expiredFor, [2]);
  w.stop();
});

test.run();
