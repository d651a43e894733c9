import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEBUG_FLAGS, debugNames, parseDebug } from '../../src/core/debug/flags';
import { debug, debugData, getDebug, getDebugSink, hexdump, setDebug, setDebugSink } from '../../src/core/debug/debug';
import { Secret } from '../../src/core/login/secret';
import { OpenSSH } from '../../src/index';
import { scriptBundle } from '../helpers/script-bundle';

const test = suite('core/debug');
let saved: [number, ReturnType<typeof getDebugSink>] = [0, () => {}];
test.before(() => void (saved = [getDebug(), getDebugSink()]));
test.after(() => {
  setDebug(saved[0]);
  setDebugSink(saved[1]);
});

test("Net::OpenSSH's bits, names, lists and 'all'", () => {
  assert.is(DEBUG_FLAGS.errors | DEBUG_FLAGS.connect | DEBUG_FLAGS.hexdump, 1 | 4 | 128);
  assert.is(parseDebug(12), 12);
  assert.is(parseDebug('connect,args'), 12);
  assert.is(parseDebug(['errors', 'destroy']), 33);
  assert.is(parseDebug('all'), 255);
  assert.is(parseDebug(true), 255);
  assert.is(parseDebug('4|8'), 12);
  assert.is(parseDebug(false), 0);
  assert.equal(debugNames(5), ['errors', 'connect']);
  assert.throws(() => parseDebug('bogus'), /unknown debug flag 'bogus'/);
  assert.throws(() => parseDebug(-1), /bitmask/);
});

test('lines go to the sink only for flags that are on, scrubbed of live secrets', () => {
  const lines: string[] = [];
  setDebugSink((l) => lines.push(l));
  const s = new Secret('tops3cret');
  setDebug('connect');
  debug('connect', 'typed tops3cret by mistake');
  debug('args', 'not shown');
  debug('connect', () => 'lazy');
  assert.equal(lines, ['connect: typed [secret] by mistake', 'connect: lazy']);
  s.dispose();
});

test('OpenSSH.debug and OpenSSH.debugSink are the same switch', () => {
  const lines: string[] = [];
  OpenSSH.debug = 'io,hexdump';
  OpenSSH.debugSink = (l) => lines.push(l);
  assert.is(getDebug(), 192);
  const s = new Secret('pw!');
  debugData('stdout', Buffer.from('AB pw! CD'));
  s.dispose();
  assert.is(lines.length, 1);
  // the bytes were scrubbed before the dump
  assert.match(lines[0]!, /io: stdout: 9 bytes\n000000 {2}41 42 20 5b 73 65 63 72 65 74 5d/);
  OpenSSH.debugSink = () => {
    throw new Error('a broken sink');
  };
  debugData('stdout', Buffer.from('x')); // a throwing sink is ignored
});

test('hexdump layout', () => {
  assert.is(hexdump(Buffer.from('hello\n')), `${'000000  68 65 6c 6c 6f 0a'.padEnd(8 + 47)}  hello.`);
  assert.match(hexdump(Buffer.alloc(40), 16), /\.\.\. 24 more bytes$/);
});

test('NET_OPENSSH_DEBUG sets the mask at load', () => {
  const debugModule = pathToFileURL(
    scriptBundle(fileURLToPath(new URL('../../src/core/debug/debug.ts', import.meta.url))),
  );
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(debugModule.href)}).then((m) => process.stdout.write(String(m.getDebug())))`,
    ],
    {
      env: { ...process.env, NET_OPENSSH_DEBUG: 'connect,8' },
      encoding: 'utf8',
    },
  );
  assert.is(out.trim(), '12');
});

test.run();
