import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { RefusalGate } from '../../../../src/core/engines/spawn/refusal-gate';
import { StdinReplay } from '../../../../src/core/engines/spawn/stdin-replay';

const test = suite('core/engines/spawn/refusal-gate');

// what a refused `ssh -S` slave writes (OpenSSH 9.2, sshd at MaxSessions)
const REFUSED =
  'mux_client_request_session: session request failed: Session open refused by peer\r\n' +
  'kex_exchange_identification: Connection closed by remote host\r\n';

const through = async (chunks: string[]): Promise<{ out: string; gate: RefusalGate }> => {
  const gate = new RefusalGate();
  let out = '';
  gate.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise((r) => gate.once('end', r));
  for (const c of chunks) gate.write(Buffer.from(c));
  gate.end();
  await ended;
  return { out, gate };
};

const split = (text: string, size: number): string[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

test('a refusal is held whole, however it is split, and kept for the error', async () => {
  for (const size of [1, 5, 30, REFUSED.length]) {
    const { out, gate } = await through(split(REFUSED, size));
    assert.is(out, '', `chunks of ${size}`);
    assert.ok(gate.refused);
    assert.is(gate.text, REFUSED);
  }
});

test("the command's own stderr passes, also when it starts like the refusal or is shorter", async () => {
  for (const text of ['err\n', 'mux_client_request_session: something else\n', 'mux_', '']) {
    const { out, gate } = await through(split(text, 3));
    assert.is(out, text);
    assert.not.ok(gate.refused);
  }
});

test('stdin kept for the next slave until the command runs; not past its bound', async () => {
  const src = new PassThrough();
  const replay = new StdinReplay(src);
  const first = new PassThrough();
  replay.attach(first);
  src.write('abc');
  src.end('def');
  await new Promise((r) => setImmediate(r));
  replay.detach(); // refused
  const second = new PassThrough();
  let got = '';
  second.on('data', (d: Buffer) => (got += d.toString()));
  const ended = new Promise((r) => second.once('end', r));
  replay.attach(second);
  await ended;
  assert.is(got, 'abcdef');
  assert.ok(replay.replayable);

  const big = new PassThrough();
  const r2 = new StdinReplay(big);
  const sink = new PassThrough();
  sink.resume();
  r2.attach(sink);
  big.write(Buffer.alloc(1024 * 1024 + 1));
  await new Promise((r) => setImmediate(r));
  assert.not.ok(r2.replayable, 'more than 1 MiB is not kept');
});

test.run();
