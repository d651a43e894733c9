// The other ways net-openssh collects a command's output (the capture table, beside `capture()` and the floor):
// capture2, capture$ and lines$, on the mux engine, each reading the same text.
import { lastValueFrom, reduce } from 'rxjs';
import type { OpenSSH } from '../../src/index';
import { textCommand, textLines, timed, type BenchClient } from './client';
import { masterOf } from './net-openssh';

const check = (what: string, got: number, want: number) => {
  if (got !== want) throw new Error(`${what}: got ${got} of ${want}`);
};

/** One client per method; each has only the capture workload. */
export const netOpenSSHCaptureClients = (ssh: OpenSSH): BenchClient[] => {
  const client = (name: string, capture: (bytes: number) => Promise<void>): BenchClient => ({
    name: `net-openssh ${name}`,
    capture: (bytes) => timed(() => capture(bytes)),
    masters: masterOf(ssh),
    close: async () => {},
  });
  return [
    client('capture2', async (bytes) => {
      const [out] = await ssh.capture2({ engine: 'mux' }, textCommand(bytes));
      check('capture2', out.length, bytes);
    }),
    client('capture$', async (bytes) => {
      const sum = ssh.capture$({ engine: 'mux' }, textCommand(bytes)).pipe(reduce((n, c) => n + c.length, 0));
      check('capture$', await lastValueFrom(sum), bytes);
    }),
    client('lines$', async (bytes) => {
      const count = ssh.lines$({ engine: 'mux' }, textCommand(bytes)).pipe(reduce((n) => n + 1, 0));
      check('lines$ (lines)', await lastValueFrom(count), textLines(bytes));
    }),
  ];
};
