// Builds dist/ as ESM (.mjs) and CJS (.cjs) with bundled declarations (.d.mts / .d.cts).
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';
import { builtinModules } from 'node:module';
import pkg from './package.json' with { type: 'json' };

// one file per package.json `exports` entry: net-openssh, net-openssh/quoting, /testing and /zx
const entries = {
  index: 'src/index.ts',
  quoting: 'src/quoting/index.ts',
  testing: 'src/testing/index.ts',
  zx: 'src/zx/index.ts',
};
// never bundled: what the package depends on (zx is an optional peer: only the zx entry imports it)
const deps = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];
const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));

export default [
  {
    input: entries,
    external,
    plugins: [esbuild({ target: 'node20' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      {
        dir: 'dist',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        exports: 'named',
      },
    ],
  },
  // the net-openssh executable: ESM only (top-level await), with its shebang
  {
    input: { cli: 'src/cli/main.ts' },
    external,
    plugins: [esbuild({ target: 'node20' })],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/cli-[name]-[hash].mjs',
      banner: '#!/usr/bin/env node',
    },
  },
  ...['mts', 'cts'].map((ext) => ({
    input: entries,
    external,
    plugins: [dts()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: `[name].d.${ext}`,
      chunkFileNames: `chunks/[name]-[hash].d.${ext}`,
    },
  })),
];
