// Pure unit tests of the SFTP wire layer: the frame parser at every split point, several packets per
// chunk, impossible lengths; the writer/reader round trip; attrs encoding.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { attrsProblem, readAttrs, writeAttrs } from '../../src/sftp/attrs';
import { FXP } from '../../src/sftp/constants';
import { FrameParser, MalformedPacket, PacketReader, PacketWriter } from '../../src/sftp/packets';
import { strict } from '../helpers/setup';
import { OpenSSHError } from '../../src/core/errors';

strict();
const test = suite('sftp: packets');

const packet = (type: number, id: number, body: Buffer): Buffer => new PacketWriter(type).u32(id).string(body).finish();

// a stream of packets of assorted sizes, including an empty body and one of 5 KB
const packets = [
  packet(FXP.DATA, 1, Buffer.alloc(0)),
  packet(FXP.DATA, 2, randomBytes(1)),
  packet(FXP.HANDLE, 3, randomBytes(13)),
  packet(FXP.DATA, 4, randomBytes(5_000)),
  packet(FXP.STATUS, 5, Buffer.from('x')),
];
const stream = Buffer.concat(packets);

const parseAll = (chunks: Buffer[]): Buffer[] => {
  const out: Buffer[] = [];
  const p = new FrameParser((b) => out.push(Buffer.from(b)));
  for (const c of chunks) p.push(c);
  assert.is(p.buffered, 0);
  return out;
};
const bodies = packets.map((p) => p.subarray(4));

test('one chunk holding every packet', () => {
  assert.equal(parseAll([stream]), bodies);
});

test('split in two at every byte boundary', () => {
  for (let i = 0; i <= stream.length; i++) {
    const got = parseAll([stream.subarray(0, i), stream.subarray(i)]);
    if (got.length !== bodies.length || got.some((b, k) => !b.equals(bodies[k]!))) assert.unreachable(`split at ${i}`);
  }
});

test('split in three at every pair of boundaries in the small packets (length prefixes split every way)', () => {
  const small = Buffer.concat(packets.filter((p) => p.length < 100));
  const want = packets.filter((p) => p.length < 100).map((p) => p.subarray(4));
  for (let i = 0; i <= small.length; i++)
    for (let j = i; j <= small.length; j++) {
      const got = parseAll([small.subarray(0, i), small.subarray(i, j), small.subarray(j)]);
      if (got.length !== want.length || got.some((b, k) => !b.equals(want[k]!)))
        assert.unreachable(`split at ${i}, ${j}`);
    }
});

test('one byte at a time', () => {
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) chunks.push(stream.subarray(i, i + 1));
  assert.equal(parseAll(chunks), bodies);
});

test('a packet inside one chunk is a view, not a copy', () => {
  const seen: Buffer[] = [];
  new FrameParser((b) => seen.push(b)).push(stream);
  assert.is(seen[3]!.buffer, stream.buffer);
});

test('impossible lengths: zero, and beyond the maximum', () => {
  assert.throws(
    () => new FrameParser(() => {}).push(Buffer.from([0, 0, 0, 0, 1])),
    (e: unknown) => e instanceof MalformedPacket,
  );
  assert.throws(
    () => new FrameParser(() => {}, 1000).push(Buffer.from([0, 0, 0x10, 0])),
    (e: unknown) => e instanceof MalformedPacket && /4096/.test((e as Error).message),
  );
});

test('writer / reader round trip: u8, u32, u64 above 2^32, strings in UTF-8 and bytes', () => {
  const big = 2 ** 40 + 12345;
  const w = new PacketWriter(FXP.WRITE, 4)
    .u32(0xfffffffe)
    .u64(big)
    .u64(0)
    .string('héllo')
    .string(Buffer.from([0, 255]))
    .raw(Buffer.from([7]));
  const p = w.finish();
  assert.is(p.readUInt32BE(0), p.length - 4);
  const r = new PacketReader(p.subarray(4));
  assert.is(r.u8(), FXP.WRITE);
  assert.is(r.u32(), 0xfffffffe);
  assert.is(r.u64(), big);
  assert.is(r.u64(), 0);
  assert.is(r.string(), 'héllo');
  assert.equal([...r.bytes()], [0, 255]);
  assert.is(r.u8(), 7);
  assert.is(r.remaining, 0);
  assert.throws(
    () => r.u32(),
    (e: unknown) => e instanceof MalformedPacket,
  );
  assert.throws(() => new PacketWriter(1).u64(-1), RangeError);
  assert.throws(() => new PacketWriter(1).u64(2 ** 53), RangeError);
});

test('a string whose length runs past the packet is malformed: an OpenSSHError with the SFTP code', () => {
  const r = new PacketReader(Buffer.from([0, 0, 0, 9, 1, 2]));
  let caught: unknown;
  try {
    r.bytes();
  } catch (e) {
    caught = e;
  }
  assert.instance(caught, MalformedPacket);
  assert.instance(caught, OpenSSHError);
  assert.is((caught as OpenSSHError).code, 'OSSH_SLAVE_SFTP_FAILED');
  assert.match((caught as Error).message, /^sftp protocol error: packet truncated/);
});

test('attrs: each flag combination round-trips; bytes are the draft layout', () => {
  const w = new PacketWriter(FXP.ATTRS);
  writeAttrs(w, { size: 2 ** 33, uid: 1000, gid: 100, mode: 0o100644, atime: 10, mtime: new Date(20_000) });
  const p = w.finish().subarray(5);
  assert.is(
    p.toString('hex'),
    '0000000f' + '0000000200000000' + '000003e8' + '00000064' + '000081a4' + '0000000a' + '00000014',
  );
  const s = readAttrs(new PacketReader(p));
  assert.equal([s.size, s.uid, s.gid, s.mode, s.atime, s.mtime], [2 ** 33, 1000, 100, 0o100644, 10, 20]);
  assert.ok(s.isFile());
  assert.is(s.permissions, 0o644);
  const w2 = new PacketWriter(FXP.ATTRS);
  writeAttrs(w2, { mode: 0o755 });
  const s2 = readAttrs(new PacketReader(w2.finish().subarray(5)));
  assert.equal([s2.size, s2.uid, s2.mode, s2.mtime], [undefined, undefined, 0o755, undefined]);
  assert.not.ok(s2.isFile() || s2.isDirectory());
  // extended pairs are read
  const ext = Buffer.concat([
    Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 1]),
    new PacketWriter(0).string('k@x').string('v').finish().subarray(5),
  ]);
  assert.equal(readAttrs(new PacketReader(ext)).extended, { 'k@x': Buffer.from('v') });
});

test('attrsProblem: pairs must come together, numbers must be sane', () => {
  assert.is(attrsProblem({ mode: 0o644 }), undefined);
  assert.match(attrsProblem({ uid: 1 })!, 'uid and gid');
  assert.match(attrsProblem({ mtime: 1 })!, 'atime and mtime');
  assert.match(attrsProblem({ size: -1 })!, 'size');
  assert.match(attrsProblem({ atime: new Date(NaN), mtime: 1 })!, 'atime');
});

test.run();
