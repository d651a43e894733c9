// One command on many hosts, their output merged line by line with a coloured host prefix; a host
// that cannot be reached is a line of the run (not its end), and a summary closes it.
//   npx tsx examples/many-hosts.ts                      (8 connections to a throwaway local sshd
//                                                        + one unreachable host)
//   npx tsx examples/many-hosts.ts web1 web2 user@db1   (your hosts, through your ~/.ssh/config)
import { lastValueFrom, tap } from 'rxjs';
import { fleet, summarize, type FleetHost } from 'net-openssh';
import { freeLoopbackPort, startTestSshd } from 'net-openssh/testing';

const targets = process.argv.slice(2);
// no destinations given: a private sshd of our own, stopped when this scope ends (`await using`)
await using sshd = targets.length
  ? undefined
  : await startTestSshd().catch((e: Error) => {
      console.error(`${e.message}\n(or give destinations: npx tsx examples/many-hosts.ts host1 host2)`);
      process.exit(1);
    });

/** A local port nothing listens on (connections to it are refused). */
const closedPort = freeLoopbackPort;

let hosts: FleetHost[];
if (sshd) {
  const down = await closedPort();
  hosts = [
    ...Array.from({ length: 8 }, (_, i) => ({
      destination: sshd.destination,
      name: `web${i + 1}`,
      options: { vars: { N: i + 1 }, expandVars: true },
    })),
    { destination: `${sshd.user}@127.0.0.1:${down}`, name: 'down1', options: { timeout: 5 } },
  ];
} else hosts = targets;

const COLOURS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96];
const colour = new Map<string, string>();
const paint = (host: string, text: string) => {
  if (!process.stdout.isTTY && !process.env.FORCE_COLOR) return text;
  if (!colour.has(host)) colour.set(host, `\x1b[${COLOURS[colour.size % COLOURS.length]}m`);
  return `${colour.get(host)}${text}\x1b[0m`;
};

const f = fleet(hosts, { options: sshd ? sshd.options : { batchMode: true, timeout: 15 }, concurrency: 20 });
// the demo's hosts differ by %N%; real hosts run the same command and differ by themselves
const cmd = sshd
  ? 'echo "up, my number is %N%"; for i in 1 2 3; do echo "step $i"; sleep 0.%N%; done; ' +
    'case %N% in 4) echo "giving up" >&2; exit 4;; esac'
  : 'uptime; for i in 1 2 3; do echo "step $i"; sleep 0.2; done';
const width = Math.max(...f.hosts.map((h) => h.length));

try {
  const summary = await lastValueFrom(
    f.lines$(cmd).pipe(
      tap((e) => {
        const prefix = paint(e.host, `${e.host.padEnd(width)} |`);
        if (e.type === 'line') console.log(`${prefix} ${e.stream === 'stderr' ? '(stderr) ' : ''}${e.line}`);
        else if (!e.result.ok) console.log(`${prefix} FAILED: ${e.result.error?.code}: ${e.result.error?.message}`);
      }),
      summarize(),
    ),
  );
  console.log(`\n${summary.ok} ok, ${summary.failed} failed, ${summary.durationMs} ms`);
  for (const r of summary.results)
    console.log(
      `  ${r.host.padEnd(width)}  ${r.ok ? 'ok  ' : 'FAIL'}  exit ${String(r.exitCode ?? '-').padStart(3)}  ` +
        `${String(r.durationMs).padStart(5)} ms  out ${r.bytesOut} B  err ${r.bytesErr} B` +
        `${r.error ? `  ${r.error.code}` : ''}`,
    );
} catch (e) {
  console.error('many-hosts failed:', (e as Error).message);
  process.exitCode = 1;
} finally {
  await f.close();
}
