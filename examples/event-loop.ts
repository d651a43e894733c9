// Net::OpenSSH's AnyEvent pattern in Node: nothing blocks. While several masters connect (watched
// through `state$` and polled with the non-blocking `waitForMaster(true)`) and their output streams in,
// a 10 ms timer and an HTTP server on 127.0.0.1 keep running; the worst timer lag is printed.
//   npx tsx examples/event-loop.ts                    (4 connections to a throwaway local sshd)
//   npx tsx examples/event-loop.ts web1 web2 user@db1 (your hosts)
import { createServer, get } from 'node:http';
import { merge, map, lastValueFrom, tap, type Observable } from 'rxjs';
import { OpenSSH, lines } from 'net-openssh';
import { startTestSshd } from 'net-openssh/testing';

const targets = process.argv.slice(2);
// no destinations given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = targets.length
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give destinations: npx tsx examples/event-loop.ts host1 host2)`);
      process.exit(1);
    });

// 1. a timer that measures how late it fires
const TICK_MS = 10;
// worst lag per phase: starting masters forks ssh processes (Node's spawn is a synchronous fork+exec)
const maxLag = { connecting: 0, streaming: 0 };
let phase: keyof typeof maxLag = 'connecting';
let ticks = 0;
let expected = performance.now() + TICK_MS;
const timer = setInterval(() => {
  const now = performance.now();
  maxLag[phase] = Math.max(maxLag[phase], now - expected);
  expected = now + TICK_MS;
  ticks++;
}, TICK_MS);

// 2. an HTTP server, and a client asking it something every 25 ms
let served = 0;
let maxResponseMs = 0;
const server = createServer((_req, res) => {
  served++;
  res.end('still here\n');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as { port: number };
const client = setInterval(() => {
  const t0 = performance.now();
  get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
    res.resume();
    res.on('end', () => (maxResponseMs = Math.max(maxResponseMs, performance.now() - t0)));
  }).on('error', () => {});
}, 25);

// 3. several connections, started at once; none of this waits synchronously
const conns = sshd
  ? Array.from({ length: 4 }, () => new OpenSSH(sshd.host, sshd.options))
  : targets.map((t) => new OpenSSH(t, { batchMode: true, timeout: 15 }));
const label = (i: number) => `${conns[i]}#${i + 1}`;
conns.forEach((c, i) => {
  c.state$.subscribe((s) =>
    console.log(`[state] ${label(i)}: ${s.name}${s.name === 'failed' ? ` (${s.error.message})` : ''}`),
  );
});

try {
  // the AnyEvent-style loop: poll waitForMaster(true) from a timer until every master has settled
  const settled = await new Promise<Array<boolean>>((resolve) => {
    const poll = setInterval(() => {
      const r = conns.map((c) => c.waitForMaster(true));
      if (r.every((x) => x !== undefined)) {
        clearInterval(poll);
        resolve(r as boolean[]);
      }
    }, 20);
  });
  console.log(`masters: ${settled.filter(Boolean).length} running, ${settled.filter((x) => !x).length} failed`);

  // 4. stream every running host's output, merged, prefixed
  phase = 'streaming';
  const streams: Observable<string>[] = conns.flatMap((c, i) =>
    settled[i]
      ? [
          c.exec$('for i in 1 2 3 4 5; do echo "line $i from $(hostname)"; sleep 0.1; done').pipe(
            map((e) => (e.type === 'stdout' ? e.data : Buffer.alloc(0))),
            lines(),
            map((l) => `${label(i)} | ${l}`),
          ),
        ]
      : [],
  );
  await lastValueFrom(merge(...streams).pipe(tap((l) => console.log(l))), { defaultValue: undefined });
} catch (e) {
  console.error('event-loop failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await Promise.all(conns.map((c) => c.disconnect()));
  clearInterval(timer);
  clearInterval(client);
  await new Promise((r) => server.close(r));
}
console.log(
  `timer: ${ticks} ticks every ${TICK_MS} ms; max lag ${Math.max(maxLag.connecting, maxLag.streaming).toFixed(1)} ms ` +
    `(while connecting ${maxLag.connecting.toFixed(1)} ms, while streaming ${maxLag.streaming.toFixed(1)} ms); ` +
    `http: ${served} requests served, slowest ${maxResponseMs.toFixed(1)} ms`,
);
