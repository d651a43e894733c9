// npm run bench:chart [-- results.json [out.svg]]: draws a bench run's results (`npm run bench -- --json`) as an SVG
// written by hand (no dependency): one panel per table, a bar per client for its speed relative to the floor
// (throughput over the floor's, or the floor's time over its own: longer is better everywhere, the dashed line is
// the floor), the figure and the CPU cost beside it; then every target, met or not. Defaults: docs/bench.json in,
// docs/bench.svg out. A run with fewer than 3 rounds or bulk under 256 MiB is labelled a quick run.
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResults, RowResult, TableResult } from './results';

const [input = 'docs/bench.json', output = 'docs/bench.svg'] = process.argv.slice(2);
const r = JSON.parse(readFileSync(input, 'utf8')) as BenchResults;

const W = 980;
const LABEL = 200;
const BAR = 430;
const ROW = 17;
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = (x: number, y: number, s: string, attrs = '') =>
  `<text x="${x}" y="${y}" ${FONT} ${attrs.includes('font-size') ? '' : 'font-size="12" '}${attrs}>${esc(s)}</text>`;

const colour = (client: string): string => {
  if (client.startsWith('ssh -S')) return '#9e9e9e';
  if (client.startsWith('Perl')) return '#8e6bbf';
  if (client.startsWith('ssh2')) return '#e8913a';
  if (client.includes('spawn')) return '#7fb3e0';
  if (client.includes('prestart') || client.includes('onStdout')) return '#1f5fa8';
  return '#2f7fd0';
};

// longer is better: throughput over the floor's, or the floor's time over the client's
const speed = (t: TableResult, row: RowResult): number | undefined =>
  row.ratio === undefined ? undefined : t.unit === 'MB/s' ? row.ratio : 1 / row.ratio;

const figure = (t: TableResult, row: RowResult): string => {
  const v = row.value!;
  const value =
    t.unit === 'MB/s' ? `${v.toFixed(0)} MB/s` : t.unit === 's' ? `${v.toFixed(2)} s` : `${v.toFixed(2)} ms`;
  const c = row.cpu!;
  const cpu = c.node + c.master + c.children;
  const per = t.cpuPer === 'GiB' ? `${cpu.toFixed(2)} CPU s/GiB` : `${cpu.toFixed(2)} CPU ms/cmd`;
  return `${value} · speed ${speed(t, row)?.toFixed(2) ?? '?'}x · ${per}`;
};

const panel = (t: TableResult, y0: number): { svg: string[]; height: number } => {
  const svg = [text(10, y0 + 14, t.title, 'font-weight="bold"')];
  if (t.ciphers)
    svg.push(
      text(
        10,
        y0 + 29,
        `negotiated: ${Object.entries(t.ciphers)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ')}`,
        'fill="#555" font-size="11"',
      ),
    );
  const top = y0 + (t.ciphers ? 36 : 22);
  const max = Math.max(1, ...t.rows.map((row) => speed(t, row) ?? 0));
  const scale = BAR / max;
  t.rows.forEach((row, i) => {
    const y = top + i * ROW;
    svg.push(text(LABEL - 6, y + 12, row.client, 'text-anchor="end"'));
    const s = speed(t, row);
    if (row.failed !== undefined || s === undefined) {
      svg.push(text(LABEL + 4, y + 12, `not measured: ${row.failed ?? 'no floor figure'}`, 'fill="#b00020"'));
      return;
    }
    svg.push(
      `<rect x="${LABEL}" y="${y + 2}" width="${(s * scale).toFixed(1)}" height="${ROW - 4}" ` +
        `fill="${colour(row.client)}"/>`,
    );
    svg.push(text(LABEL + BAR + 8, y + 12, figure(t, row), 'font-size="11"'));
  });
  const h = t.rows.length * ROW;
  svg.push(
    `<line x1="${LABEL + scale}" y1="${top}" x2="${LABEL + scale}" y2="${top + h}" stroke="#333" ` +
      'stroke-dasharray="3,3"/>',
  );
  return { svg, height: top - y0 + h + 14 };
};

const quick = (r.settings.rounds ?? 0) < 3 || (r.settings.bulkMiB ?? 0) < 256;
const body: string[] = [];
let y = 10;
body.push(
  text(10, y + 14, `npm run bench, ${r.date.slice(0, 16).replace('T', ' ')} UTC`, 'font-size="15" font-weight="bold"'),
);
y += 22;
const m = r.machine;
const v = r.versions;
const s = r.settings;
const about = [
  `${m.cpus} x ${m.model}, load ${m.loadavg.join(' ')} at the end; ${s.rounds} rounds (latency; others at most 3), ` +
    `bulk ${s.bulkMiB} MiB, cipher rows ${s.cipherMiB} MiB, captures ${s.captureMiB} MiB`,
  `Node ${v.node}; ${v.openssh}; ssh2 ${v.ssh2}; Net::OpenSSH ${v['Net::OpenSSH']}`,
];
for (const line of about) {
  body.push(text(10, y + 12, line, 'fill="#555" font-size="11"'));
  y += 16;
}
if (quick) {
  body.push(
    text(
      10,
      y + 13,
      'A QUICK RUN (few rounds, small sizes, maybe a busy machine): shows the layout, not figures ' + 'to quote',
      'fill="#b00020" font-weight="bold"',
    ),
  );
  y += 20;
}
body.push(
  text(
    10,
    y + 12,
    'bars: speed relative to the floor (ssh -S from bash, dashed line = 1x); longer is better',
    'fill="#555" font-size="11"',
  ),
);
y += 16;
const cpuNote =
  'CPU: this Node process + the master + the processes the run started (the client side), per GiB or command';
body.push(text(10, y + 12, cpuNote, 'fill="#555" font-size="11"'));
y += 22;
for (const t of r.tables) {
  const p = panel(t, y);
  body.push(...p.svg);
  y += p.height;
}
body.push(text(10, y + 14, 'targets (issue 18)', 'font-weight="bold"'));
y += 22;
for (const t of r.targets) {
  const [mark, fill] = t.met === undefined ? ['?', '#777'] : t.met ? ['met', '#1b7f3b'] : ['NOT met', '#b00020'];
  body.push(text(10, y + 12, mark, `fill="${fill}" font-weight="bold"`));
  body.push(text(90, y + 12, `${t.target} (${t.detail})`, 'font-size="11"'));
  y += ROW;
}
const height = y + 10;
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}">`,
  `<rect width="${W}" height="${height}" fill="#fff"/>`,
  ...body,
  '</svg>',
  '',
].join('\n');
writeFileSync(output, svg);
console.log(
  `${output}: ${r.tables.length} tables, ${r.targets.length} targets from ${input}${quick ? ' (quick run)' : ''}`,
);
