// The pure-JS client (npm ssh2, a devDependency) on its own connection, when installed; the host key
// is checked against the test server's, and TCP_NODELAY is set (without it each exec costs ~40 ms).
// It runs inside this Node process: its cost is this process's CPU during its own runs (one client runs at a time).
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { CHUNK, pool, textCommand, timed, type BenchClient } from './client';

export interface Ssh2Target {
  host: string;
  port: number;
  user: string;
  keyPath: string;
  /** The server's host public key file (`ssh-ed25519 AAAA... comment`). */
  hostKeyPub: string;
  /** Offer only these ciphers (ssh2's `algorithms.cipher`); ssh2's own list when not given. */
  ciphers?: string[];
  /** The row's name. @default 'ssh2 (pure JS)' */
  name?: string;
}

/** An ssh2 client and the cipher its connection negotiated (server to client, client to server). */
export interface Ssh2Bench extends BenchClient {
  readonly cipher: string;
}

/** Loads ssh2 if it is installed; undefined otherwise. */
export const loadSsh2 = async (): Promise<typeof import('ssh2') | undefined> => import('ssh2').catch(() => undefined);

const exec = (c: Client, cmd: string): Promise<ClientChannel> =>
  new Promise((resolve, reject) => c.exec(cmd, (err, ch) => (err ? reject(err) : resolve(ch))));

const finished = (ch: ClientChannel): Promise<void> => new Promise((resolve) => ch.once('close', () => resolve()));

/** A connected ssh2 client (host key pinned, TCP_NODELAY) and the cipher it negotiated. */
export const connectSsh2 = async (
  lib: typeof import('ssh2'),
  t: Ssh2Target,
): Promise<{ c: Client; cipher: string }> => {
  const expected = Buffer.from(readFileSync(t.hostKeyPub, 'utf8').split(' ')[1]!, 'base64');
  const sock = tcpConnect({ host: t.host, port: t.port });
  sock.setNoDelay(true);
  const c = new lib.Client();
  let cipher = '?';
  c.once('handshake', (n) => (cipher = n.sc.cipher === n.cs.cipher ? n.sc.cipher : `${n.sc.cipher} / ${n.cs.cipher}`));
  await new Promise<void>((resolve, reject) => {
    c.once('ready', resolve).once('error', reject);
    c.connect({
      sock,
      username: t.user,
      privateKey: readFileSync(t.keyPath),
      hostVerifier: (key: Buffer) => key.equals(expected),
      ...(t.ciphers ? { algorithms: { cipher: t.ciphers as never } } : {}),
    });
  });
  return { c, cipher };
};

export const ssh2Client = async (lib: typeof import('ssh2'), t: Ssh2Target): Promise<Ssh2Bench> => {
  const { c, cipher } = await connectSsh2(lib, t);
  const run = async (cmd: string): Promise<string> => {
    const ch = await exec(c, cmd);
    let out = '';
    ch.on('data', (d: Buffer) => (out += d));
    ch.stderr.resume();
    await finished(ch);
    return out;
  };
  return {
    name: t.name ?? 'ssh2 (pure JS)',
    cipher,
    sequential: (n) =>
      timed(async () => {
        for (let i = 0; i < n; i++) await run('true');
      }),
    parallel: (n, k) => timed(() => pool(n, k, (i) => run(`echo ${i}`))),
    download: (bytes) =>
      timed(async () => {
        const ch = await exec(c, `head -c ${bytes} /dev/zero`);
        let got = 0;
        ch.on('data', (d: Buffer) => (got += d.length));
        ch.stderr.resume();
        await finished(ch);
        if (got !== bytes) throw new Error(`ssh2: got ${got} of ${bytes}`);
      }),
    upload: (bytes) =>
      timed(async () => {
        const ch = await exec(c, 'wc -c');
        let out = '';
        ch.on('data', (d: Buffer) => (out += d));
        ch.stderr.resume();
        for (let left = bytes; left > 0; left -= CHUNK.length) {
          if (!ch.write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))
            await new Promise((r) => ch.once('drain', r));
        }
        ch.end();
        await finished(ch);
        if (Number(out) !== bytes) throw new Error(`ssh2: the remote side counted ${out.trim()} of ${bytes}`);
      }),
    // collected as an ssh2 user would: the chunks kept, then one Buffer.concat and one decode
    capture: (bytes) =>
      timed(async () => {
        const ch = await exec(c, textCommand(bytes));
        const chunks: Buffer[] = [];
        ch.on('data', (d: Buffer) => chunks.push(d));
        ch.stderr.resume();
        await finished(ch);
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.length !== bytes) throw new Error(`ssh2: got ${text.length} of ${bytes}`);
      }),
    close: async () => {
      c.end();
    },
  };
};
