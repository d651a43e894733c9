// Test helper of the mux engine suites: a real `ssh -M` master on the fixture sshd, and an
// EngineContext built by hand for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineContext } from '../../../../src/core/engines/engine';
import type { OpenSSHError } from '../../../../src/core/errors';
import type { SshdFixture } from '../../../fixtures/sshd';
import type { Readable } from 'node:stream';

export interface TestMaster {
  readonly ctlPath: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  ctx(extra?: Partial<EngineContext>): EngineContext;
  stop(): Promise<void>;
}

let counter = 0;

/** Starts `ssh -M -N -S ctl` against the fixture and waits for its control socket. */
export const startMaster = async (f: SshdFixture, maxSessions = 10): Promise<TestMaster> => {
  const ctlPath = join(f.ctlDir, `m${process.pid}-${counter++}`);
  const destinationArgs = ['-l', f.user, '-p', String(f.port), '--', '127.0.0.1'];
  const proc = spawn(
    'ssh',
    ['-F', f.configPath, '-M', '-N', '-S', ctlPath, '-o', 'ControlPersist=no', ...destinationArgs],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  for (let i = 0; i < 400 && !existsSync(ctlPath); i++) {
    if (proc.exitCode !== null) throw new Error(`master exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!existsSync(ctlPath)) throw new Error(`master socket did not appear: ${stderr}`);
  const debugLines: string[] = [];
  return {
    ctlPath,
    proc,
    exited,
    ctx: (extra = {}) => ({
      ctlPath,
      host: '127.0.0.1',
      sshCmd: 'ssh',
      destinationArgs,
      defaultSshOpts: ['-F', f.configPath],
      maxSessions,
      masterError: (): OpenSSHError | undefined => undefined,
      debug: (line: string) => {
        debugLines.push(line);
        if (process.env.MUX_DEBUG) console.log(line);
      },
      ...extra,
    }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
};

/** Reads a stream to its end. */
export const collect = async (s: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
