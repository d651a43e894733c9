import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CodecError,
  decodeMux,
  decodePacket,
  encodeChannelOnly,
  encodeDataHeader,
  encodeMux,
  encodeMuxHello,
  encodeOpenSession,
  encodeOpenTunnel,
  encodePacket,
  encodePtyReq,
  encodeRequest,
  encodeWindowAdjust,
  FrameParser,
  requestLength,
} from '../../../../src/core/engines/mux/codec';
import { ControlConversation } from '../../../../src/core/engines/mux/control';
import { sessionLimit, takeAdmissible } from '../../../../src/core/engines/mux/admission';
import { MUX, SSH } from '../../../../src/core/engines/mux/messages';
import { strict } from '../../../helpers/setup';

strict();
const test = suite('mux codec');
const hex = (b: Buffer) => b.toString('hex');
const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// ---- encoding: exact bytes, worked out by hand from PROTOCOL.mux and RFC 4254
const ENCODED: Array<[string, Buffer, string]> = [
  ['hello v4', encodeMuxHello(), '00000008 00000001 00000004'],
  ['alive check id 7', encodeMux(MUX.C_ALIVE_CHECK, 7), '00000008 10000004 00000007'],
  ['proxy id 1', encodeMux(MUX.C_PROXY, 1), '00000008 1000000f 00000001'],
  ['window adjust', encodeWindowAdjust(5, 0x200000), '0000000a 00 5d 00000005 00200000'],
  ['data header, 3 bytes', encodeDataHeader(9, 3), '0000000d 00 5e 00000009 00000003'],
  ['eof', encodeChannelOnly(SSH.CHANNEL_EOF, 2), '00000006 00 60 00000002'],
  ['close', encodeChannelOnly(SSH.CHANNEL_CLOSE, 0xffffffff), '00000006 00 61 ffffffff'],
  [
    'open session',
    encodeOpenSession(1, 0x400000, 0x8000),
    '00000019 00 5a 00000007 73657373696f6e 00000001 00400000 00008000',
  ],
  ['exec "id"', encodeRequest(4, 'exec', true, 'id'), '00000015 00 62 00000004 00000004 65786563 01 00000002 6964'],
  [
    'env A=b, no reply',
    encodeRequest(4, 'env', false, 'A', 'b'),
    '00000018 00 62 00000004 00000003 656e76 00 00000001 41 00000001 62',
  ],
  [
    'signal TERM',
    encodeRequest(3, 'signal', true, 'TERM'),
    '00000019 00 62 00000003 00000006 7369676e616c 01 00000004 5445524d',
  ],
  [
    'pty-req vt100 80x24, no modes',
    encodePtyReq(0, 'vt100', 80, 24),
    '00000030 00 62 00000000 00000007 7074792d726571 01 00000005 7674313030 ' +
      '00000050 00000018 00000000 00000000 00000001 00',
  ],
  [
    'direct-tcpip to 127.0.0.1:1',
    encodeOpenTunnel(2, 16, 32, { host: '127.0.0.1', port: 1 }),
    '00000040 00 5a 0000000c 6469726563742d746370697000000002 00000010 00000020 ' +
      '00000009 3132372e302e302e31 00000001 00000009 3132372e302e302e31 00000000',
  ],
];
for (const [name, got, want] of ENCODED) {
  test(`encode: ${name}`, () => assert.is(hex(got), hex(h(want))));
}

test('encode: byte strings go through unchanged (exec with non-UTF-8 bytes)', () => {
  const cmd = Buffer.from([0xff, 0x00, 0x80]);
  assert.is(hex(encodeRequest(1, 'exec', true, cmd).subarray(-7)), '00000003ff0080');
});

test('requestLength is the length encodeRequest gives (exec, env, subsystem; multi-byte UTF-8 and bytes)', () => {
  const cases: Array<[string, boolean, Array<string | Buffer>]> = [
    ['exec', true, ['x'.repeat(1000)]],
    ['exec', true, [Buffer.from([0xff, 0, 0x80])]],
    ['env', false, ['LC_X', 'é€'.repeat(50)]],
    ['subsystem', true, ['sftp']],
  ];
  for (const [name, reply, fields] of cases)
    assert.is(requestLength(name, reply, ...fields), encodeRequest(7, name, reply, ...fields).length, name);
});

// ---- decoding
const MUX_DECODED: Array<[string, string, unknown]> = [
  ['hello', '00000001 00000004', { type: 'hello', version: 4 }],
  ['alive', '80000005 00000001 00000d80', { type: 'alive', id: 1, pid: 3456 }],
  ['proxy', '8000000f 00000002', { type: 'proxy', id: 2 }],
  ['ok', '80000001 00000003', { type: 'ok', id: 3 }],
  ['failure', '80000003 00000001 00000003 6e6f21', { type: 'failure', id: 1, reason: 'no!' }],
  ['denied', '80000002 00000001 00000000', { type: 'denied', id: 1, reason: '' }],
  ['unknown', '80000077', { type: 'unknown', code: 0x80000077 }],
];
for (const [name, bytes, want] of MUX_DECODED) {
  test(`decode mux: ${name}`, () => assert.equal(decodeMux(h(bytes)), want));
}

const SSH_DECODED: Array<[string, string, unknown]> = [
  [
    'open confirmation',
    '00 5b 00000001 00000102 00000000 00008000',
    { type: 'open-confirmation', recipient: 1, sender: 258, window: 0, maxPacket: 32768 },
  ],
  [
    'open failure',
    '00 5c 00000004 00000002 00000003 626164 00000000',
    { type: 'open-failure', recipient: 4, reason: 2, description: 'bad' },
  ],
  ['window adjust', '00 5d 00000001 00200000', { type: 'window-adjust', recipient: 1, bytes: 0x200000 }],
  ['data', '00 5e 00000001 00000002 6869', { type: 'data', recipient: 1, stream: 'stdout', data: Buffer.from('hi') }],
  [
    'stderr',
    '00 5f 00000001 00000001 00000001 21',
    { type: 'data', recipient: 1, stream: 'stderr', data: Buffer.from('!') },
  ],
  [
    'other extended data',
    '00 5f 00000001 00000007 00000000',
    { type: 'data', recipient: 1, stream: 'other', data: Buffer.alloc(0) },
  ],
  ['eof', '00 60 00000003', { type: 'eof', recipient: 3 }],
  ['close', '00 61 00000003', { type: 'close', recipient: 3 }],
  ['success', '00 63 00000003', { type: 'success', recipient: 3 }],
  ['failure', '00 64 00000003', { type: 'failure', recipient: 3 }],
  [
    'exit-status 127',
    '00 62 00000001 0000000b 657869742d737461747573 00 0000007f',
    { type: 'request', recipient: 1, name: 'exit-status', wantReply: false, exit: { code: 127, signal: null } },
  ],
  [
    'exit-signal TERM',
    '00 62 00000001 0000000b 657869742d7369676e616c 00 00000004 5445524d 00 00000000 00000000',
    {
      type: 'request',
      recipient: 1,
      name: 'exit-signal',
      wantReply: false,
      exit: { code: null, signal: 'TERM', coreDumped: false, message: '' },
    },
  ],
  [
    'keepalive request',
    '00 62 00000001 00000015 6b656570616c697665406f70656e7373682e636f6d 01',
    { type: 'request', recipient: 1, name: 'keepalive@openssh.com', wantReply: true, exit: undefined },
  ],
  ['global request', '00 50 00000003 616263 01', { type: 'global-request', name: 'abc', wantReply: true }],
  ['server channel open', '00 5a 00000003 783131 00000009', { type: 'open', channelType: 'x11', sender: 9 }],
  ['ignore', '00 02 00000000', { type: 'other', code: 2 }],
];
for (const [name, bytes, want] of SSH_DECODED) {
  test(`decode packet: ${name}`, () => assert.equal(decodePacket(h(bytes)), want));
}

const BAD: Array<[string, () => unknown]> = [
  ['truncated uint32', () => decodePacket(h('00 61 0000'))],
  ['string longer than the packet', () => decodePacket(h('00 5e 00000001 000000ff 00'))],
  ['non-zero padding', () => decodePacket(h('04 61 00000001'))],
  ['truncated mux reply', () => decodeMux(h('80000005 00000001'))],
];
for (const [name, fn] of BAD) {
  test(`decode rejects: ${name}`, () => assert.throws(fn, (e: unknown) => e instanceof CodecError));
}

test('encode then decode round trip for every packet we send', () => {
  assert.equal(decodePacket(encodeChannelOnly(SSH.CHANNEL_EOF, 77).subarray(4)), { type: 'eof', recipient: 77 });
  const data = Buffer.concat([encodeDataHeader(5, 3), Buffer.from('abc')]);
  assert.equal(decodePacket(data.subarray(4)), {
    type: 'data',
    recipient: 5,
    stream: 'stdout',
    data: Buffer.from('abc'),
  });
  assert.equal(decodePacket(encodePacket(SSH.CHANNEL_SUCCESS, 8).subarray(4)), { type: 'success', recipient: 8 });
});

// ---- framing
const frames = (...bodies: string[]) => Buffer.concat(bodies.map((b) => encodePacket(SSH.CHANNEL_EOF, Number(b))));

test('frame parser: every split point of a 3-frame stream gives the same frames', () => {
  const stream = frames('1', '2', '3');
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j++) {
      const p = new FrameParser();
      const got: number[] = [];
      for (const part of [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]) {
        p.push(part, (b) => got.push(b.readUInt32BE(2)));
      }
      assert.equal(got, [1, 2, 3], `split at ${i}/${j}`);
      assert.is(p.pending, 0);
    }
  }
});

test('frame parser: frames inside one chunk are views of it, not copies', () => {
  const chunk = frames('1', '2');
  const bodies: Buffer[] = [];
  new FrameParser().push(chunk, (b) => bodies.push(b));
  assert.is(bodies.length, 2);
  for (const b of bodies) assert.ok(b.buffer === chunk.buffer, 'same memory');
});

test('frame parser: a frame spanning chunks is offered as views to onSplit; declined, it is joined for onFrame', () => {
  const stream = frames('7', '8');
  for (let i = 1; i < stream.length; i++) {
    for (const take of [true, false]) {
      const p = new FrameParser();
      const split: string[] = [];
      const whole: string[] = [];
      const onSplit = (parts: Buffer[]) => {
        assert.ok(parts.length >= 2, 'only frames that span chunks');
        assert.ok(
          parts.every((q) => q.buffer === stream.buffer),
          'views of the chunks, not copies',
        );
        if (take) split.push(hex(Buffer.concat(parts)));
        return take;
      };
      for (const part of [stream.subarray(0, i), stream.subarray(i)]) p.push(part, (b) => whole.push(hex(b)), onSplit);
      assert.equal([...split, ...whole].sort(), ['006000000007', '006000000008'], `split at ${i}`);
      assert.is(p.pending, 0);
    }
  }
});

test('frame parser: one byte at a time', () => {
  const stream = Buffer.concat([frames('5'), encodeMuxHello()]);
  const p = new FrameParser();
  const got: string[] = [];
  for (const byte of stream) p.push(Buffer.from([byte]), (b) => got.push(hex(b)));
  assert.equal(got, ['006000000005', '0000000100000004']);
});

test('frame parser: a zero or huge length is a protocol error', () => {
  assert.throws(
    () => new FrameParser().push(h('00000000'), () => {}),
    (e: unknown) => e instanceof CodecError,
  );
  assert.throws(
    () => new FrameParser(1024).push(h('00000401 00'), () => {}),
    (e: unknown) => e instanceof CodecError,
  );
});

// ---- control conversations
test('control: alive check returns the pid after the hello', () => {
  const c = new ControlConversation('alive-check');
  assert.is(hex(c.request()), hex(h('00000008 00000001 00000004 00000008 10000004 00000001')));
  assert.equal(c.step(h('00000001 00000004')), { state: 'pending' });
  assert.equal(c.step(h('80000005 00000001 00000457')), { state: 'done', value: 1111 });
  assert.ok(c.done);
});

const CONTROL_FAILS: Array<[string, string[], RegExp]> = [
  ['wrong version', ['00000001 00000003'], /version 3/],
  ['no hello', ['80000001 00000001'], /expected the master's hello/],
  ['refused', ['00000001 00000004', '80000003 00000001 00000004 6e6f7065'], /refused: nope/],
  ['denied', ['00000001 00000004', '80000002 00000001 00000000'], /permission denied/],
  ['wrong request id', ['00000001 00000004', '8000000f 00000009'], /request 9/],
  ['wrong reply type', ['00000001 00000004', '80000005 00000001 00000001'], /unexpected reply alive/],
];
for (const [name, replies, re] of CONTROL_FAILS) {
  test(`control: proxy request fails on ${name}`, () => {
    const c = new ControlConversation('proxy');
    let last: ReturnType<ControlConversation['step']> = { state: 'pending' };
    for (const r of replies) last = c.step(h(r));
    assert.is(last.state, 'failed');
    assert.match((last as { reason: string }).reason, re);
  });
}

// ---- admission
test('admission: one session slot is kept free; tunnels pass a full session queue', () => {
  assert.equal([1, 2, 10, 64].map(sessionLimit), [1, 1, 9, 63]);
  const q = [
    { isSession: true, n: 1 },
    { isSession: false, n: 2 },
    { isSession: true, n: 3 },
  ];
  assert.is(takeAdmissible(q, 9, 9)?.n, 2);
  assert.is(takeAdmissible(q, 9, 9), undefined);
  assert.is(takeAdmissible(q, 8, 9)?.n, 1);
  assert.equal(
    q.map((x) => x.n),
    [3],
  );
});

test.run();
