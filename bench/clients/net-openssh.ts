// net-openssh itself, on one engine, over a master it shares with the other ssh -S based clients.
import type { Writable } from 'node:stream';
import type { OpenSSH } from '../../src/index';
import { CHUNK, pool, textCommand, timed, type BenchClient } from './client';

const writeAll = async (w: Writable, bytes: number) => {
  for (let left = bytes; left > 0; left -= CHUNK.length) {
    if (!w.write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left))) await new Promise((r) => w.once('drain', r));
  }
  w.end();
};

/** The master of `ssh`, as a list (empty before it runs). */
export const masterOf = (ssh: OpenSSH) => (): number[] => (ssh.masterPid === undefined ? [] : [ssh.masterPid]);

const checkSize = (what: string, got: number, bytes: number) => {
  if (got !== bytes) throw new Error(`${what}: got ${got} of ${bytes} bytes`);
};

export const netOpenSSHClient = (ssh: OpenSSH, engine: 'mux' | 'spawn'): BenchClient => ({
  name: `net-openssh ${engine}`,
  sequential: (n) =>
    timed(async () => {
      for (let i = 0; i < n; i++) await ssh.system({ engine }, 'true');
    }),
  parallel: (n, k) => timed(() => pool(n, k, (i) => ssh.capture({ engine }, `echo ${i}`))),
  download: (bytes) =>
    timed(async () => {
      const p = await ssh.pipeOut({ engine }, `head -c ${bytes} /dev/zero`);
      // 'data' events, as the ssh2 client reads: `for await` concatenates whatever chunks piled up (a copy)
      let got = 0;
      p.stdout.on('data', (c: Buffer) => (got += c.length));
      await new Promise((r) => p.stdout.once('end', r));
      await p.exit;
      checkSize(engine, got, bytes);
    }),
  upload: (bytes) =>
    timed(async () => {
      const p = await ssh.open2({ engine }, 'wc -c');
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c));
      await writeAll(p.stdin, bytes);
      await p.exit;
      if (Number(out) !== bytes) throw new Error(`${engine}: the remote side counted ${out.trim()} of ${bytes} bytes`);
    }),
  capture: (bytes) =>
    timed(async () => checkSize(engine, (await ssh.capture({ engine }, textCommand(bytes))).length, bytes)),
  masters: masterOf(ssh),
  close: async () => {},
});

/**
 * Commands only (sequential and parallel), through the mux engine of a connection of its own: the per-command
 * rows of another setting beside the default's (`muxPrestart: true`). Its close() ends that connection.
 */
export const netOpenSSHCommandsClient = (ssh: OpenSSH, name: string): BenchClient => {
  const { sequential, parallel } = netOpenSSHClient(ssh, 'mux');
  return { name, sequential, parallel, masters: masterOf(ssh), close: () => ssh.disconnect() };
};

/** Download only, with stdout taken by `onStdout` (chunks lent, not kept: the mux engine reuses its read buffers). */
export const netOpenSSHLentClient = (ssh: OpenSSH, engine: 'mux' | 'spawn'): BenchClient => ({
  name: `net-openssh ${engine} onStdout`,
  download: (bytes) =>
    timed(async () => {
      let got = 0;
      await ssh.system({ engine, onStdout: (c) => (got += c.length) }, `head -c ${bytes} /dev/zero`);
      checkSize(engine, got, bytes);
    }),
  masters: masterOf(ssh),
  close: async () => {},
});
