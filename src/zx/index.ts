// net-openssh/zx: zx's `$` over a connection (re-exports only). zx is an optional peer dependency: only this
// entry imports it, so the main entry installs and type-checks without zx.
export { remote$ } from './remote-shell';
export type { RemoteShell, RemoteShellOptions } from './remote-shell';
export type { ZxConnection } from './remote-spawn';
