export { raw, glob, isRaw, isGlob } from './quoter';
export type { Arg, FragmentKey, GlobArg, Quoter, RawArg } from './quoter';
export { posix } from './posix';
export { buildCommandLine } from './command-line';
export type { CommandLineOptions } from './command-line';
