import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sendChunkFor } from '../../../../src/core/engines/mux/session';

const test = suite('core/engines/mux/send-chunk');

// the master reads a proxy client's packet body 16 KiB at a time, one read per turn of its loop (channels.c read_mux)
const MASTER_READ = 16 * 1024;
const body = (payload: number) => payload + 10; // padding length, type, recipient, data length

test("a DATA packet's body fills whole reads of the master: 32 KiB, not 32 KiB + 10", () => {
  const n = sendChunkFor(32 * 1024);
  assert.is(body(n), 32 * 1024);
  assert.is(body(n) % MASTER_READ, 0);
});

test("never more than the server's maximum packet, and whole reads where one fits", () => {
  for (const max of [16 * 1024, 20_000, 32 * 1024, 64 * 1024, 256 * 1024]) {
    const n = sendChunkFor(max);
    assert.ok(n <= max, `${n} > ${max}`);
    assert.is(body(n) % MASTER_READ, 0, `max ${max}: ${n}`);
  }
});

test('a maximum packet below one read is used as it is', () => {
  assert.is(sendChunkFor(1000), 1000);
  assert.is(sendChunkFor(16 * 1024 - 11), 16 * 1024 - 11);
  assert.is(sendChunkFor(0), 1);
});

test.run();
