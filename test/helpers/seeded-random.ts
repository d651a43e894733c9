// A deterministic stream of numbers in [0, 1): the same seed gives the same numbers in every run, so a randomized test
// names a seed that reproduces its failure, and the bench's shuffled rounds are the same in every run. mulberry32;
// no cryptography here.

/** A string seed as a 32-bit number (FNV-1a). */
const hashSeed = (seed: string): number => {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return h;
};

/** The generator for `seed` (a number, or a string such as a table's id). */
export const seededRandom = (seed: number | string): (() => number) => {
  let s = typeof seed === 'string' ? hashSeed(seed) : seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
