#!/usr/bin/env node
// Fails (exit 1) when a source line is longer than the limit, listing each as file:line: length.
// The formatter wraps code, but not comments or long string literals; this catches those.
// Usage: node scripts/check-line-length.mjs [--max N] [file-or-dir ...]
// (default: src test bench examples scripts and the *.ts/*.mjs/*.cjs files at the top level, limit 120).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const EXTENSIONS = /\.(ts|mts|cts|mjs|cjs|js)$/;
const DEFAULT_ROOTS = ['src', 'test', 'bench', 'examples', 'scripts'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

const args = process.argv.slice(2);
let max = 120;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max') max = Number(args[++i]);
  else roots.push(args[i]);
}
if (!Number.isInteger(max) || max < 1) {
  console.error('check-line-length: --max expects a positive integer');
  process.exit(2);
}

const cwd = process.cwd();
const files = [];
const walk = (path) => {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // a default root that does not exist
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!SKIP_DIRS.has(name)) walk(join(path, name));
  } else if (EXTENSIONS.test(path)) files.push(path);
};
if (roots.length > 0) for (const r of roots) walk(r);
else {
  for (const r of DEFAULT_ROOTS) walk(r);
  for (const name of readdirSync(cwd).sort()) if (EXTENSIONS.test(name) && statSync(name).isFile()) files.push(name);
}

let count = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const length = [...lines[i].replace(/\r$/, '')].length; // code points, as an editor counts columns
    if (length > max) {
      count++;
      console.log(`${relative(cwd, file)}:${i + 1}: ${length} > ${max}`);
    }
  }
}
if (count > 0) {
  console.error(`check-line-length: ${count} line(s) longer than ${max} characters in ${files.length} files`);
  process.exit(1);
}
