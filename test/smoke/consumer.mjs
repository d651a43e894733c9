// The packed package, as a user's project gets it: `npm pack` (of the dist/ that `npm run build` just made) into a
// temp dir, installed without network into two fresh projects (see installPacked), one without zx and one with it:
//   - without zx (an optional peer): the main entry, ./quoting and ./testing load in ESM and CJS, ./zx does not, and
//     code importing the three type-checks with skipLibCheck: false under module NodeNext (.ts as ESM, .cts as CJS);
//   - with zx: the same for ./zx, and examples/demo.ts copied in as is type-checks;
//   - examples/demo.ts, copied as is, runs against net-openssh/testing (skipped without sshd, unless CI=true).
// The two type-checks and the example run at once (about 4 s of CPU each).
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const repoModules = join(root, 'node_modules');
const work = mkdtempSync(join(tmpdir(), 'net-openssh-consumer-'));
const plain = join(work, 'plain'); // a project without zx
const withZx = join(work, 'with-zx');
const t0 = Date.now();
const step = (what) => console.log(`smoke consumer: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

const node = (cwd, ...args) => {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}${r.stderr}`);
  return r;
};
const nodeAsync = async (cwd, ...args) => {
  try {
    return (await promisify(execFile)(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 })).stdout;
  } catch (e) {
    throw new Error(`node ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
};

const link = (app, name) => {
  const dest = join(app, 'node_modules', name);
  if (existsSync(dest) || !existsSync(join(repoModules, name))) return;
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(join(repoModules, name), dest, 'dir');
};
// What `npm install <tarball>` does, without network (npm --offline cannot resolve the tarball's semver ranges from a
// cache that `npm ci` filled: it holds tarballs, not the registry's version lists): unpack it into node_modules, and
// link each of its dependencies to the repo's installed copy (the versions package-lock.json pins). Peer
// dependencies are not installed, as npm does not install an optional peer.
const installPacked = (app, tarball) => {
  const dest = join(app, 'node_modules', 'net-openssh');
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('tar', ['xzf', tarball, '-C', dest, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})])
    link(app, dep);
  link(app, '@types/node');
  return pkg;
};

const tsconfig = (files) =>
  JSON.stringify({
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      lib: ['ES2023', 'ESNext.Disposable'],
      types: ['node'],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
    },
    files,
  });
const tsc = (app) => nodeAsync(app, join(repoModules, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json');
const write = (app, files) => {
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(app, name), [...lines, ''].join('\n'));
  writeFileSync(join(app, 'tsconfig.json'), tsconfig(Object.keys(files)));
};

try {
  // the package, packed as `npm publish` would (dist/ is fresh: test:package builds it first)
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  const tarball = join(work, packed.filename);
  const shipped = packed.files.map((f) => f.path);
  for (const f of ['LICENSE', 'README.md', 'dist/index.mjs', 'dist/testing.d.cts', 'dist/zx.d.mts', 'docs/zx.md'])
    assert.ok(shipped.includes(f), `the package ships ${f}`);
  assert.ok(!shipped.some((f) => /^(src|test|examples)\//.test(f)), 'no sources, tests or examples shipped');
  step(`packed ${packed.filename} (${packed.files.length} files)`);

  const pkg = installPacked(plain, tarball);
  assert.deepEqual(Object.keys(pkg.peerDependencies), ['zx']);
  assert.equal(pkg.peerDependenciesMeta.zx.optional, true);
  assert.ok(!Object.keys(pkg.dependencies).includes('zx'), 'zx is no dependency');
  installPacked(withZx, tarball);
  link(withZx, 'zx');
  // zx 8's declarations start with `/// <reference types="fs-extra" />`, and zx does not install them: a project
  // type-checking zx with skipLibCheck: false adds @types/fs-extra (docs/zx.md). Offline, an empty stand-in
  // (nothing in the zx files net-openssh/zx reaches uses it).
  const fsExtraTypes = join(withZx, 'node_modules', '@types', 'fs-extra');
  mkdirSync(fsExtraTypes, { recursive: true });
  writeFileSync(join(fsExtraTypes, 'index.d.ts'), 'export {};\n');
  writeFileSync(join(fsExtraTypes, 'package.json'), '{"name":"@types/fs-extra","types":"index.d.ts"}\n');
  copyFileSync(join(root, 'examples', 'demo.ts'), join(plain, 'demo.ts'));
  step('installed into two projects, one without zx and one with it');

  write(plain, {
    'main.ts': [
      "import { OpenSSH, OpenSSHError, type OpenSSHOptions } from 'net-openssh';",
      "import { posix } from 'net-openssh/quoting';",
      "import { startTestSshd, TestSshdError, type TestSshd } from 'net-openssh/testing';",
      'export const connect = async (server: TestSshd): Promise<OpenSSH> => {',
      '  const options: OpenSSHOptions = { ...server.options, timeout: 5 };',
      '  return OpenSSH.create(server.host, options);',
      '};',
      'export const quoted: string = posix.quote("it\'s");',
      'export const kinds = [OpenSSHError, TestSshdError, startTestSshd] as const;',
    ],
    'main-cjs.cts': [
      "import { OpenSSH, type OpenSSHOptions } from 'net-openssh';",
      "import { posix } from 'net-openssh/quoting';",
      "import { startTestSshd, type TestSshdOptions } from 'net-openssh/testing';",
      "const options: TestSshdOptions = { maxSessions: 4, sshdConfig: ['ClientAliveInterval 5'] };",
      'export const start = () => startTestSshd(options);',
      "export const make = (o: OpenSSHOptions) => new OpenSSH('h', o);",
      'export const q = posix.quote;',
    ],
  });
  write(withZx, {
    'zx.ts': [
      "import type { OpenSSH } from 'net-openssh';",
      "import { remote$, type RemoteShell } from 'net-openssh/zx';",
      'export const shell = (ssh: OpenSSH): RemoteShell => remote$(ssh, { quiet: true });',
    ],
    'zx-cjs.cts': ["import { remote$ } from 'net-openssh/zx';", 'export const make = remote$;'],
    'demo.ts': readFileSync(join(root, 'examples', 'demo.ts'), 'utf8').split('\n'),
  });

  // the example, unchanged, against the package's throwaway sshd (in the project without zx)
  const { findSshd } = await import(join(plain, 'node_modules', 'net-openssh', 'dist', 'testing.mjs'));
  const runExample = async () => {
    if (findSshd() === undefined) {
      if (process.env.CI === 'true') throw new Error('sshd is not installed (Debian package openssh-server)');
      return 'SKIP: sshd is not installed (Debian package openssh-server)';
    }
    const out = await nodeAsync(plain, join(repoModules, 'tsx', 'dist', 'cli.mjs'), 'demo.ts');
    assert.match(out, /capture {2}-> "Linux /, out);
    assert.match(out, /exit code 0/, out);
    return 'ran against net-openssh/testing';
  };
  const [, , example] = await Promise.all([tsc(plain), tsc(withZx), runExample()]);
  step('type-checked both projects with skipLibCheck: false (ESM and CJS)');
  step(`examples/demo.ts, copied out of the repository: ${example}`);

  const entries = ['net-openssh', 'net-openssh/quoting', 'net-openssh/testing'];
  node(plain, '--input-type=module', '-e', `for (const e of ${JSON.stringify(entries)}) await import(e);`);
  node(plain, '-e', `for (const e of ${JSON.stringify(entries)}) require(e);`);
  const noZx = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('net-openssh/zx')"], {
    cwd: plain,
    encoding: 'utf8',
  });
  assert.notEqual(noZx.status, 0, 'net-openssh/zx cannot load without zx');
  assert.match(noZx.stderr, /Cannot find (package|module) 'zx/);
  node(
    withZx,
    '--input-type=module',
    '-e',
    "if (typeof (await import('net-openssh/zx')).remote$ !== 'function') throw 1",
  );
  node(withZx, '-e', "if (typeof require('net-openssh/zx').remote$ !== 'function') throw 1");
  step('every entry loads in ESM and CJS; without zx, all but net-openssh/zx');
  console.log('smoke consumer: ok');
} finally {
  if (process.env.NET_OPENSSH_KEEP_CONSUMER === '1') console.log(`smoke consumer: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
