// The proxy socket's writer, over a real Unix socket pair: what someone waits for goes out first, the housekeeping
// that waited right behind it in the same write, and a barrier (a task) after the packets that waited before it.
// (The other end may read two writes as one: `reads` of one string shows the order, a single read is not asserted.)
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketWriter } from '../../../../src/core/engines/mux/packet-writer';

interface Pair {
  client: Socket;
  /** Everything the other end read so far, as text, one string per read. */
  reads: string[];
  /** Resolves once the other end has read `text` in all. */
  received(text: string): Promise<void>;
  close(): void;
}

const test = suite('core/engines/mux/packet-writer');
const dir = mkdtempSync(join(tmpdir(), 'nos-packet-writer-'));
let server: Server;
let n = 0;

const open: Pair[] = [];
const pair = async (): Promise<Pair> => {
  const path = join(dir, `s${n++}`);
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  server.listen(path);
  await new Promise((r) => server.once('listening', r));
  const client = createConnection(path);
  await new Promise((r) => client.once('connect', r));
  const peer = await accepted;
  server.close();
  const reads: string[] = [];
  let waiter: { text: string; resolve: () => void } | undefined;
  peer.on('data', (d: Buffer) => {
    reads.push(d.toString());
    if (waiter && reads.join('') === waiter.text) waiter.resolve();
  });
  const made: Pair = {
    client,
    reads,
    received: (text) =>
      reads.join('') === text ? Promise.resolve() : new Promise((resolve) => (waiter = { text, resolve })),
    close: () => {
      client.destroy();
      peer.destroy();
    },
  };
  open.push(made);
  return made;
};

const b = (s: string) => Buffer.from(s);

test.before.each(() => {
  server = createServer();
});
test.after.each(() => {
  for (const p of open.splice(0)) p.close();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('an urgent packet goes out ahead of the housekeeping that waited, in one write', async () => {
  const p = await pair();
  const w = new PacketWriter(p.client);
  w.write([b('close;')], false);
  w.write([b('open;')], false);
  w.write([b('exec;')], true);
  await p.received('exec;close;open;');
  assert.is(p.reads.join(''), 'exec;close;open;');
});

test('a task runs after the packets that waited before it, as the tick of the write ends', async () => {
  const p = await pair();
  const w = new PacketWriter(p.client);
  const order: string[] = [];
  w.write([b('close;')], false);
  w.later(() => {
    order.push('task');
    w.write([b('barrier;')], true);
  });
  w.write([b('open;')], false);
  assert.equal(order, [], 'the task waits for the flush');
  w.write([b('exec;')], true);
  assert.equal(order, [], "not inside the caller's write: its channel may be halfway through a change");
  await new Promise<void>((r) => process.nextTick(r));
  assert.equal(order, ['task'], 'as the tick ends');
  await p.received('exec;close;open;barrier;');
  assert.is(p.reads.join(''), 'exec;close;open;barrier;');
});

test('housekeeping nobody hurries goes out on its own within a turn of the loop, tasks last', async () => {
  const p = await pair();
  const w = new PacketWriter(p.client);
  w.later(() => w.write([b('barrier;')], true));
  w.write([b('close;')], false);
  await new Promise((r) => setImmediate(r));
  await p.received('close;barrier;');
  assert.equal(p.reads.join(''), 'close;barrier;');
});

test('writes of one tick after the first urgent one keep their call order', async () => {
  const p = await pair();
  const w = new PacketWriter(p.client);
  w.write([b('a;')], true);
  w.write([b('b;')], false);
  w.write([b('c;')], true);
  await p.received('a;b;c;');
  assert.is(p.reads.join(''), 'a;b;c;');
});

test('a closed writer drops what waits, tasks too', async () => {
  const p = await pair();
  const w = new PacketWriter(p.client);
  let ran = false;
  w.write([b('close;')], false);
  w.later(() => (ran = true));
  w.close();
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  assert.is(ran, false);
  assert.equal(p.reads, []);
});

test.run();
