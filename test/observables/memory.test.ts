// Backpressure: a slow `for await` consumer of 1 GiB through pipeOut keeps this process's memory
// bounded, because a consumer that does not read pauses the remote writer (pipe or SSH window full).
// The quick suite moves 256 MiB with a lower bound on the growth (test/helpers/sizes.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenSSH } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { sleep, strict } from '../helpers/setup';
import { GiB, MiB, sized } from '../helpers/sizes';

strict();
const TOTAL = sized(GiB, 256 * MiB);
const PAUSE_EVERY = 256 * 1024; // the consumer takes a 1 ms break after each 256 KiB: ~1 s per 256 MiB at most
const SAMPLE_EVERY = TOTAL / 16;
const MAX_GROWTH = sized(200 * MiB, 80 * MiB);
const size = TOTAL === GiB ? '1 GiB' : `${TOTAL / MiB} MiB`;

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: backpressure memory (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test(`a slow for-await consumer of ${size} from pipeOut: RSS stays bounded`, async () => {
    const baseline = process.memoryUsage.rss();
    const p = await ssh.pipeOut('head', '-c', String(TOTAL), '/dev/zero');
    let total = 0;
    let sinceBreak = 0;
    let nextSample = SAMPLE_EVERY;
    let chunks = 0;
    let nonZero = 0;
    const samples: number[] = [];
    const started = Date.now();
    for await (const chunk of p.stdout as AsyncIterable<Buffer>) {
      chunks++;
      total += chunk.length;
      sinceBreak += chunk.length;
      if (chunk[0] !== 0 || chunk[chunk.length - 1] !== 0) nonZero++;
      if (sinceBreak >= PAUSE_EVERY) {
        sinceBreak = 0;
        await sleep(1);
      }
      if (total >= nextSample) {
        nextSample += SAMPLE_EVERY;
        samples.push(process.memoryUsage.rss());
      }
    }
    const status = await p.exit;
    const peak = Math.max(...samples);
    const mib = (n: number) => `${Math.round(n / MiB)} MiB`;
    console.log(
      `    ${engine}: ${size} in ${chunks} chunks, ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `RSS baseline ${mib(baseline)}, ` +
        `samples ${samples.map((s) => Math.round(s / MiB)).join(' ')} MiB, peak growth ${mib(peak - baseline)}`,
    );
    assert.equal(status, { code: 0, signal: null });
    assert.is(total, TOTAL, 'every byte arrived');
    assert.is(nonZero, 0, 'and they are the bytes sent');
    assert.is(samples.length, 16);
    assert.ok(peak - baseline < MAX_GROWTH, `RSS grew by ${mib(peak - baseline)} (limit ${mib(MAX_GROWTH)})`);
  });

  test.run();
}
