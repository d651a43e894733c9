import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as quoting from '../../src/quoting/index';

const test = suite('quoting/index');
const SRC = fileURLToPath(new URL('../../src/quoting/', import.meta.url));

test('the barrel exports the public API', () => {
  const want = [
    'ALIASES',
    'BACKENDS',
    'QuotingError',
    'buildCommandBytes',
    'buildCommandLine',
    'chain',
    'csh',
    'encodeCommandLine',
    'expandArgs',
    'expandVars',
    'fish',
    'getQuoter',
    'glob',
    'isGlob',
    'isRaw',
    'mscmd',
    'mswin',
    'posix',
    'raw',
    'shellQuote',
    'shellQuoteGlob',
    'shellQuoteWith',
  ];
  assert.equal(Object.keys(quoting).sort(), want);
});

test('the barrel only re-exports', () => {
  const code = readFileSync(join(SRC, 'index.ts'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('//'));
  for (const line of code) assert.match(line, /^export (type )?\{[^}]+\} from '\.\/[a-z-]+';$/, line);
});

test('src/quoting depends on nothing outside itself but node:buffer', () => {
  for (const file of readdirSync(SRC)) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g))
      assert.ok(spec === 'node:buffer' || /^\.\/[a-z-]+$/.test(spec!), `${file} imports ${spec}`);
  }
});

test.run();
