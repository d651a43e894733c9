// The name of an engine, as the constructor's and a call's `engine` option take it. Its own file: both
// options.ts and call-options.ts use it, and call-options.ts must not import options.ts (options.ts
// reaches call-options.ts through std-defaults.ts).

/** Which engine runs commands: see docs/ARCHITECTURE.md. */
export type EngineName = 'auto' | 'mux' | 'spawn';
