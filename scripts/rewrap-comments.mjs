#!/usr/bin/env node
// Rewraps comment lines longer than the limit (the formatter wraps code, not comments), in place:
// - a `//` line: the words past the limit move to the next `//` line of the same paragraph, or to a new line;
// - a code line ending in a `//` comment: the comment moves to its own line(s) above the code;
// - a `/** one line */` comment: becomes a block, one `@tag` per line;
// - a line inside a `/* */` or `/** */` block: as for `//`, keeping the ` * ` prefix (code fences are left alone).
// It never touches code or strings: each file's comment-free printout (TypeScript's printer) must be the same after
// the rewrap, or the file is left as it was. Lines it cannot fix are listed at the end (exit status stays 0).
// Usage: node scripts/rewrap-comments.mjs [--max N] [--dry-run] [file-or-dir ...]   (default: as check-line-length)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const EXTENSIONS = /\.(ts|mts|cts|mjs|cjs|js)$/;
const DEFAULT_ROOTS = ['src', 'test', 'bench', 'examples', 'scripts'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);
const DIRECTIVE = /^\/\/\/|^\/\/\s*(@ts-|biome-ignore|eslint-|prettier-ignore|c8 |istanbul |#)/;

const args = process.argv.slice(2);
let max = 120;
let dryRun = false;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max') max = Number(args[++i]);
  else if (args[i] === '--dry-run') dryRun = true;
  else roots.push(args[i]);
}

const files = [];
const walk = (path) => {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!SKIP_DIRS.has(name)) walk(join(path, name));
  } else if (EXTENSIONS.test(path)) files.push(path);
};
if (roots.length > 0) for (const r of roots) walk(r);
else {
  for (const r of DEFAULT_ROOTS) walk(r);
  for (const name of readdirSync('.').sort()) if (EXTENSIONS.test(name) && statSync(name).isFile()) files.push(name);
}

const width = (s) => [...s].length;

const scriptKind = (file) =>
  /\.[mc]?ts$/.test(file) ? ts.ScriptKind.TS : /\.tsx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.JS;

const parse = (file, text) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));

const printer = ts.createPrinter({ removeComments: true });
const codeOnly = (file, text) => printer.printFile(parse(file, text));

// Every comment in the file ({pos, end, kind}) and the spans of string/template tokens that cross a line break.
const scan = (sf) => {
  const text = sf.text;
  const comments = new Map();
  const multilineLiterals = [];
  const add = (ranges) => {
    for (const r of ranges ?? []) comments.set(r.pos, r);
  };
  const visit = (node) => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const kids = node.getChildren(sf);
    if (kids.length === 0) {
      add(ts.getLeadingCommentRanges(text, node.getFullStart()));
      add(ts.getTrailingCommentRanges(text, node.getEnd()));
      const start = node.getStart(sf);
      if (text.slice(start, node.getEnd()).includes('\n')) multilineLiterals.push([start, node.getEnd()]);
      return;
    }
    for (const k of kids) visit(k);
  };
  visit(sf);
  add(ts.getLeadingCommentRanges(text, sf.endOfFileToken.getFullStart()));
  return { comments: [...comments.values()].sort((a, b) => a.pos - b.pos), multilineLiterals };
};

// Splits words into a first line that fits `room` and the rest (at least one word on the first line).
const fill = (words, room) => {
  let used = 0;
  let n = 0;
  while (n < words.length) {
    const w = width(words[n]) + (n > 0 ? 1 : 0);
    if (n > 0 && used + w > room) break;
    used += w;
    n++;
  }
  return [words.slice(0, n), words.slice(n)];
};

// Splits text into words at spaces, keeping `inline code` and {@link ...} spans whole when they contain spaces.
const words = (text) => {
  const out = [];
  let cur = '';
  let inCode = false;
  let inTag = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '`') inCode = !inCode;
    else if (ch === '{' && text[i + 1] === '@' && !inCode) inTag = true;
    else if (ch === '}' && inTag) inTag = false;
    if (ch === ' ' && !inCode && !inTag) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
};

// Text laid out by hand (columns: two blanks inside it) is left to a person: rewrapping would lose the layout.
const aligned = (content) => /\S {2,}\S/.test(content);

// The blanks that line up a list item's continuation lines under its text (`- `, `1. `), or ''.
const hang = (content) => ' '.repeat(content.match(/^([-*+]|\d+[.)]) /)?.[0].length ?? 0);

// Wraps `content` behind `prefix` (the first line) and `prefix` again for the following lines.
const wrapLines = (prefix, content, room = max - width(prefix)) => {
  const lines = [];
  let rest = words(content);
  while (rest.length > 0) {
    const [first, more] = fill(rest, room);
    lines.push(prefix + first.join(' '));
    rest = more;
  }
  return lines;
};

// A paragraph continuation: the same prefix, some text, not a list item, a tag, a fence or a directive.
const continues = (content) =>
  content !== '' && !/^([-*+] |\d+[.)] |@|```|<|\|)/.test(content) && !content.startsWith('*/');

// Splits a one-line doc comment's text before each block tag (`@default ...`) outside inline code.
const splitTags = (content) => {
  const parts = [];
  let cur = '';
  let ticks = 0;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch === '`') ticks++;
    if (ch === '@' && ticks % 2 === 0 && /\s/.test(content[i - 1] ?? '') && /[a-z]/.test(content[i + 1] ?? '')) {
      parts.push(cur.trim());
      cur = '';
    }
    cur += ch;
  }
  parts.push(cur.trim());
  return parts.filter(Boolean);
};

// Rewraps one comment line (`prefix` + `content`). The words past the limit go to the start of the next line when it
// continues the same paragraph (`next`: its prefix and content), else onto new lines. Returns [lines used, new lines].
const rewrapLine = (prefix, content, next) => {
  if (aligned(content)) return null;
  const h = hang(content);
  const [first, rest] = fill(words(content), max - width(prefix));
  if (rest.length === 0) return null; // one word too long to split
  const more = prefix + h;
  if (next && next.prefix === more && !aligned(next.content) && (h !== '' || continues(next.content))) {
    return [2, [prefix + first.join(' '), `${more}${rest.join(' ')} ${next.content}`]];
  }
  return [1, [prefix + first.join(' '), ...wrapLines(more, rest.join(' '))]];
};

// A `//` line's prefix (indent, slashes, blanks) and text, or undefined for another kind of line or a directive.
const lineComment = (line) => {
  const m = line?.match(/^(\s*\/\/\s*)(.*)$/);
  return m && !DIRECTIVE.test(line.trim()) ? { prefix: m[1], content: m[2].trimEnd() } : undefined;
};

// A block comment line's prefix (indent, `*`, blanks) and text, or undefined for the closing line.
const blockLine = (line) => {
  const m = line?.match(/^(\s*(?:\*(?!\/)\s*)?)(.*)$/);
  return m && !/\*\/\s*$/.test(line) ? { prefix: m[1], content: m[2].trimEnd() } : undefined;
};

// Tries to shorten line `i`; returns the new lines array, or null when it cannot.
const fixLine = (lines, i, sf, info) => {
  const line = lines[i];
  const lineStart = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
  const lineEnd = lineStart + line.length;
  const c = info.comments.find((r) => r.pos < lineEnd && r.end > lineStart);
  if (!c) return null; // code or a string: the formatter's or a person's job
  const indent = line.match(/^\s*/)[0];
  const before = line.slice(0, Math.max(0, c.pos - lineStart));
  const replace = (count, newLines) => [...lines.slice(0, i), ...newLines, ...lines.slice(i + count)];
  const apply = (r) => (r ? replace(r[0], r[1]) : null);

  if (c.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
    const comment = line.slice(c.pos - lineStart);
    if (DIRECTIVE.test(comment)) return null;
    if (before.trim() !== '') {
      // code, then a comment: the comment goes above the code, unless the line starts inside a literal
      if (info.multilineLiterals.some(([s, e]) => s < lineStart && e > lineStart)) return null;
      const content = comment.replace(/^\/\/\s*/, '').trimEnd();
      return replace(1, [...wrapLines(`${indent}// `, content), before.trimEnd()]);
    }
    const own = lineComment(line);
    return own ? apply(rewrapLine(own.prefix, own.content, lineComment(lines[i + 1]))) : null;
  }

  // inside a /* */ or /** */ comment
  const text = sf.text;
  const commentText = text.slice(c.pos, c.end);
  const isDoc = commentText.startsWith('/**');
  const opensHere = c.pos >= lineStart;
  const closesHere = c.end <= lineEnd;
  const after = closesHere ? line.slice(c.end - lineStart) : '';
  const nextInside = c.end > lineEnd + 1 + (lines[i + 1]?.length ?? 0); // the next line does not close the comment
  const next = nextInside ? blockLine(lines[i + 1]) : undefined;
  if (opensHere && closesHere) {
    // the whole comment is on this line: make it a block
    if (after.trim() !== '' || before.trim() !== '') return null;
    const inner = commentText.replace(/^\/\*\*?\s*/, '').replace(/\s*\*\/$/, '');
    if (aligned(inner)) return null;
    const body = (isDoc ? splitTags(inner) : [inner]).flatMap((p) => wrapLines(`${indent} * `, p));
    return replace(1, [`${indent}${isDoc ? '/**' : '/*'}`, ...body, `${indent} */`]);
  }
  if (opensHere) {
    // `/** text ...` with the text going on below
    if (before.trim() !== '') return null;
    const m = line.match(/^(\s*\/\*\*?\s*)(.*)$/);
    const r = rewrapLine(m[1], m[2].trimEnd(), next);
    if (!r || r[0] === 2) return apply(r);
    // new lines get the block's ` * ` prefix, not the opening one
    const [head, ...rest] = r[1];
    return replace(1, [head, ...wrapLines(`${indent} * `, rest.map((l) => l.slice(m[1].length)).join(' '))]);
  }
  // a line in the middle (or the last line) of the block
  if (before.trim() !== '') return null;
  if ((text.slice(c.pos, lineStart).match(/```/g) ?? []).length % 2 === 1) return null; // inside a code fence
  if (closesHere) {
    // ` * text */`: the text is rewrapped, the closing goes on a line of its own
    if (after.trim() !== '') return null;
    const body = line.slice(0, c.end - lineStart).replace(/\s*\*\/$/, '');
    const own = blockLine(body);
    if (!own || own.content === '') return null;
    const r = rewrapLine(own.prefix, own.content, undefined);
    const closeIndent = own.prefix.includes('*') ? own.prefix.slice(0, own.prefix.indexOf('*')) : own.prefix;
    return r ? replace(1, [...r[1], `${closeIndent}*/`]) : null;
  }
  const own = blockLine(line);
  if (!own || /^```/.test(own.content)) return null;
  return apply(rewrapLine(own.prefix, own.content, next));
};

let changedFiles = 0;
const leftOver = [];
for (const file of files) {
  const original = readFileSync(file, 'utf8');
  if (!original.split('\n').some((l) => width(l) > max)) continue;
  let lines = original.split('\n');
  let sf = parse(file, original);
  let info = scan(sf);
  let guard = 0;
  for (let i = 0; i < lines.length && guard < 10000; i++) {
    if (width(lines[i]) <= max) continue;
    const fixed = fixLine(lines, i, sf, info);
    if (!fixed) continue;
    lines = fixed;
    sf = parse(file, lines.join('\n'));
    info = scan(sf);
    guard++;
    i--; // look at the same line again (it may still be long, or be the moved comment)
  }
  const result = lines.join('\n');
  if (result !== original) {
    if (codeOnly(file, result) !== codeOnly(file, original)) {
      console.error(`${file}: left as it was (rewrapping would have changed code; please report this)`);
      lines = original.split('\n');
    } else {
      changedFiles++;
      if (!dryRun) writeFileSync(file, result);
    }
  }
  lines.forEach((l, n) => {
    if (width(l) > max) leftOver.push(`${relative('.', file)}:${n + 1}: ${width(l)} > ${max}`);
  });
}
console.log(`rewrap-comments: ${dryRun ? 'would change' : 'changed'} ${changedFiles} files`);
if (leftOver.length > 0) {
  console.log(`still longer than ${max} (code, strings, or comments it would not touch): ${leftOver.length}`);
  for (const l of leftOver) console.log(`  ${l}`);
}
