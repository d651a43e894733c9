// node-pty is an optional dependency: loaded on first use (never at import), so everything that needs
// no pty works without it, and what does gets a clear error naming the package.
import type * as NodePty from 'node-pty';

/** The parts of node-pty we use. */
export type NodePtyModule = Pick<typeof NodePty, 'spawn'>;

const cache = new Map<string, Promise<NodePtyModule>>();

/** Loads node-pty (or `name`, for tests); rejects with an Error whose message says what to install. */
export const loadNodePty = (name = 'node-pty'): Promise<NodePtyModule> => {
  let p = cache.get(name);
  if (!p) {
    p = import(/* @vite-ignore */ name).then(
      (m: { spawn?: NodePtyModule['spawn']; default?: NodePtyModule }) => {
        const mod = typeof m.spawn === 'function' ? (m as NodePtyModule) : m.default;
        if (!mod || typeof mod.spawn !== 'function') throw new Error(`${name} loaded but has no spawn()`);
        return mod;
      },
      (e: Error) => {
        throw new Error(
          `the optional dependency ${name} is not available (${e.message.split('\n')[0]}); install it with ` +
            `\`npm install node-pty\` (it builds with node-gyp: python3, make and a C++ compiler)`,
        );
      },
    );
    p.catch(() => cache.delete(name)); // a later install can succeed
    cache.set(name, p);
  }
  return p;
};
