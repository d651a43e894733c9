// zx's `$` over a connection (re-exports only).
export { remote$ } from './remote-shell';
export type { RemoteShell, RemoteShellOptions } from './remote-shell';
export type { ZxConnection } from './remote-spawn';
