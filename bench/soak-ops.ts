// The soak's mixed workload: each operation runs once on one connection and checks its own outcome. An
// outcome the operation expects (a failing command's OSSH_SLAVE_CMD_FAILED, a timeout, an abort) returns
// normally; anything else throws, and the soak counts it as an error of that kind.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { firstValueFrom, lastValueFrom, reduce } from 'rxjs';
import { OpenSSHError, type OpenSSH, type OpenSSHErrorCode } from '../src/index';
import type { SftpClient } from '../src/sftp/client';

/** What one operation runs against. */
export interface SoakContext {
  readonly ssh: OpenSSH;
  readonly sftp: SftpClient;
  /** Port of a local echo server the remote side reaches on 127.0.0.1. */
  readonly echoPort: number;
  /** A remote directory for SFTP uploads, and a local one for downloads. */
  readonly remoteDir: string;
  readonly localDir: string;
}

/** One kind of operation and how often it is picked relative to the others. */
export interface SoakOp {
  readonly name: string;
  readonly weight: number;
  run(ctx: SoakContext, n: number): Promise<void>;
}

const STREAM_LINES = 5000;
const STREAM_BYTES = Array.from({ length: STREAM_LINES }, (_, i) => `${i + 1}\n`).join('').length;
const SFTP_BYTES = 64 * 1024;
const SLOW_SINK_BYTES = 4 * 1024 * 1024;

/** Passes when `p` rejects with an OpenSSHError of `code` (and `check`); throws what came instead. */
const expectFailure = async (
  p: Promise<unknown>,
  code: OpenSSHErrorCode,
  check: (e: OpenSSHError) => boolean = () => true,
) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpenSSHError && e.code === code && check(e)) return;
    throw e;
  }
  throw new Error(`expected ${code}, the operation succeeded`);
};

const expectEqual = (what: string, got: unknown, want: unknown) => {
  if (got !== want)
    throw new Error(
      `${what}: got ${JSON.stringify(got)?.slice(0, 80)}, expected ${JSON.stringify(want)?.slice(0, 80)}`,
    );
};

/** The workload, by kind. */
export const SOAK_OPS: readonly SoakOp[] = [
  {
    name: 'capture',
    weight: 4,
    run: async ({ ssh }, n) => expectEqual('capture', await ssh.capture('echo', `token ${n}`), `token ${n}\n`),
  },
  {
    name: 'exec$ stream',
    weight: 2,
    run: async ({ ssh }) => {
      const seen = { bytes: 0, exit: undefined as number | null | undefined };
      await lastValueFrom(
        ssh.exec$(`seq 1 ${STREAM_LINES}`).pipe(
          reduce((acc, e) => {
            if (e.type === 'stdout') acc.bytes += e.data.length;
            else if (e.type === 'exit') acc.exit = e.code;
            return acc;
          }, seen),
        ),
      );
      expectEqual('exit code', seen.exit, 0);
      expectEqual('streamed bytes', seen.bytes, STREAM_BYTES);
    },
  },
  {
    name: 'sftp put+get',
    weight: 1,
    run: async ({ sftp, remoteDir, localDir }, n) => {
      const data = randomBytes(SFTP_BYTES);
      const [up, down, remote] = [join(localDir, `up-${n}`), join(localDir, `down-${n}`), `${remoteDir}/f-${n}`];
      writeFileSync(up, data);
      try {
        await sftp.put(up, remote);
        await sftp.get(remote, down);
        if (!readFileSync(down).equals(data)) throw new Error('sftp: the file came back different');
        await sftp.remove(remote);
      } finally {
        rmSync(up, { force: true });
        rmSync(down, { force: true });
      }
    },
  },
  {
    name: 'tunnel',
    weight: 1,
    run: async ({ ssh, echoPort }, n) =>
      expectEqual('tunnel', await ssh.captureTunnel({ stdinData: `t${n}` }, '127.0.0.1', echoPort), `echo:t${n}`),
  },
  {
    name: 'failing command',
    weight: 2,
    run: ({ ssh }) =>
      expectFailure(
        ssh.system({ stderrDiscard: true }, 'echo failing >&2; exit 3'),
        'OSSH_SLAVE_CMD_FAILED',
        (e) => e.exitCode === 3,
      ),
  },
  {
    name: 'timeout',
    weight: 1,
    // not silent at the end: with the spawn engine a killed slave's remote command ends when it next writes
    run: ({ ssh }) =>
      expectFailure(ssh.capture({ timeout: 0.3, killSshOnTimeout: true }, 'sleep 2; echo late'), 'OSSH_SLAVE_TIMEOUT'),
  },
  {
    name: 'abort',
    weight: 1,
    run: ({ ssh }) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      return expectFailure(ssh.capture({ signal: ac.signal }, 'echo first; sleep 2; echo late'), 'OSSH_ABORTED');
    },
  },
  {
    // issue 20 #1: an argument over the mux packet limit fails alone (mux: refused before sending; spawn: E2BIG)
    name: 'oversized argument',
    weight: 1,
    run: async ({ ssh }) => {
      try {
        await ssh.capture('echo', 'x'.repeat(300_000));
      } catch (e) {
        if (e instanceof OpenSSHError && e.code !== 'OSSH_MASTER_FAILED') return;
        throw e;
      }
      throw new Error('an argument of 300,000 bytes was accepted');
    },
  },
  {
    // issue 20 #3: a line over maxLineLength (1 MiB by default) fails fast, in linear time, and ends the command
    name: 'line too long',
    weight: 1,
    run: ({ ssh }) =>
      expectFailure(
        lastValueFrom(ssh.lines$("head -c 3000000 /dev/zero | tr '\\0' x; echo")),
        'OSSH_SLAVE_PIPE_FAILED',
      ),
  },
  {
    // issue 20 #11: scp legacy mode with a name that needs quoting, both ways
    name: 'scp legacy odd name',
    weight: 1,
    run: async ({ ssh, remoteDir, localDir }, n) => {
      const name = `s p [${n}] é*.log`;
      const up = join(localDir, name);
      const back = join(localDir, `back-${n}`);
      writeFileSync(up, `legacy ${n}\n`);
      try {
        await ssh.scpPut({ mode: 'legacy' }, up, `${remoteDir}/`);
        await ssh.scpGet({ mode: 'legacy' }, `${remoteDir}/${name}`, back);
        expectEqual('scp legacy round trip', readFileSync(back, 'utf8'), `legacy ${n}\n`);
        await ssh.system('rm', '-f', '--', `${remoteDir}/${name}`);
      } finally {
        rmSync(up, { force: true });
        rmSync(back, { force: true });
      }
    },
  },
  {
    // issue 20 #2: a sink slower than the connection holds the command back instead of buffering its output
    name: 'slow sink',
    weight: 1,
    run: async ({ ssh }) => {
      let got = 0;
      const slow = new Writable({
        highWaterMark: 64 * 1024,
        write: (chunk: Buffer, _e, cb) => {
          got += chunk.length;
          setTimeout(cb, 1);
        },
      });
      expectEqual('slow sink', await ssh.system({ stdoutFh: slow }, `head -c ${SLOW_SINK_BYTES} /dev/zero`), true);
      await new Promise((r) => slow.end(r));
      expectEqual('bytes through the slow sink', got, SLOW_SINK_BYTES);
    },
  },
  {
    // issue 20 #5: an aborted silent command; on the spawn engine its session is held until the command ends
    // (1 s), and calls waiting for a session are bounded by their timeout
    name: 'silent abort',
    weight: 1,
    run: ({ ssh }) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      return expectFailure(ssh.capture({ signal: ac.signal }, 'sleep 1'), 'OSSH_ABORTED');
    },
  },
  {
    name: 'unsubscribe',
    weight: 1,
    run: async ({ ssh }) => {
      const first = await firstValueFrom(ssh.exec$('exec yes'));
      expectEqual('first event', first.type, 'stdout');
    },
  },
];
