// What a run produced, and how it is shown: the Markdown report and its chart (SVG text written here,
// so the picture always comes from the numbers in the same run).
import type { CatalogSize, Kind } from './catalog.js';
import type { LockResult, OverloadResult, ProbeFigures } from './faults.js';
import type { Plan } from './plans.js';
import type { Measurement } from './scenarios.js';

export interface ScenarioResult extends Measurement {
  name: string;
  title: string;
}

export interface DatabaseResult {
  kind: Kind;
  label: string;
  version: string;
  seedSeconds: number;
  scenarios: ScenarioResult[];
  /** GET /item/{id}, interleaved: baseline, Junction, baseline, Junction … */
  baseline: { baseline: Measurement[]; junction: Measurement[]; baselineRps: number; junctionRps: number; ratio: number };
  /** GET /item/{id} on a catalog with 1/100 of the stores, so of the links (same stores), against the full one. */
  linkScale: {
    fewLinks: number;
    manyLinks: number;
    fewRps: number;
    manyRps: number;
    drop: number;
    runs: number[];
    /** The filtered reads of §6 on both catalogs: one run each. */
    filtered: { title: string; fewRps: number; manyRps: number; drop: number }[];
  };
  /** GET /item/{id} served by one process, then by a primary and two workers: what each process used. */
  workers: WorkersRun[];
  startup: { withAdminMs: number[]; withoutAdminMs: number[] };
  plans: Plan[];
  faults: { overload: OverloadResult; lock?: LockResult };
}

export interface WorkersRun {
  workers: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Cores each process used on average during the run: the server's (or the primary's and each worker's), and the bench's own. */
  cpu: { process: string; cores: number }[];
}

export interface Target {
  what: string;
  database: string;
  measured: string;
  goal: string;
  pass: boolean;
}

export interface Results {
  meta: {
    startedAt: string;
    finishedAt: string;
    commit: string;
    quick: boolean;
    node: string;
    cpus: string;
    connections: number;
    seconds: number;
    warmupSeconds: number;
    runs: number;
    catalog: CatalogSize & { links: number };
    notes: string[];
  };
  databases: DatabaseResult[];
  targets: Target[];
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? fmt(n, 1) : fmt(n));

export function renderReport(results: Results): string {
  const { meta } = results;
  const c = meta.catalog;
  const out: string[] = [];
  out.push(
    '# Junction benchmark',
    '',
    `Run ${meta.startedAt} → ${meta.finishedAt} on commit \`${meta.commit}\`${meta.quick ? ' — **quick catalog: the targets are set for the full one**' : ''}.`,
    '',
    `- Machine: ${meta.cpus}, Node ${meta.node}; ${results.databases.map((d) => `${d.label} ${d.version}`).join(', ')}.`,
    `- Load: autocannon, ${meta.connections} connections, ${meta.seconds} s per run after a ${meta.warmupSeconds} s warm-up, ` +
      "in the bench process; the server is a separate process on loopback (they share the machine's cores), started with `npm start`'s node command. " +
      "Latency is timed by the bench from each request's setup to its answer (autocannon's own figures are wrong for answers whose connection the server closes, as refusals under overload do).",
    `- Catalog (\`junction seed --seed 42\`): ${fmt(c.stores)} stores, ${fmt(c.items)} items, ${fmt(c.stores * c.tagsPerStore)} tags, ` +
      `${fmt(c.links)} item-tag links, ${fmt(c.heroes)} heroes, ${fmt(c.teams)} teams, ${c.heroLinks} teams per hero.`,
    ...meta.notes.map((note) => `- ${note}`),
    '',
    '## Targets',
    '',
    '| target | database | measured | goal | |',
    '|---|---|---|---|---|',
    ...results.targets.map((t) => `| ${t.what} | ${t.database} | ${t.measured} | ${t.goal} | ${t.pass ? 'pass' : '**FAIL**'} |`),
    '',
    '![requests per second for each scenario on both databases, and the baseline](chart.svg)',
    '',
  );

  out.push('## Scenarios', '');
  for (const d of results.databases) {
    out.push(
      `### ${d.label}`,
      '',
      `Seeded in ${fmt(d.seedSeconds, 1)} s. Peak RSS is the server's VmHWM during the measured run (a new server process for each scenario); "other load" is the CPU ` +
        'that processes other than the bench, the server and PostgreSQL used meanwhile (cores, on average).',
      '',
      '| scenario | req/s | p50 ms | p99 ms | requests | errors | non-2xx | unexpected | peak RSS MB | other load | answers |',
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
      ...d.scenarios.map(
        (s) =>
          `| ${s.title} | ${fmt(s.rps)} | ${ms(s.p50)} | ${ms(s.p99)} | ${fmt(s.requests)} | ${s.errors} | ${fmt(s.non2xx)} | ` +
          `${s.unexpected} | ${s.peakRssMB ?? '–'} | ${fmt(s.otherCores, 2)} | ${Object.entries(s.statuses)
            .map(([k, v]) => `${k}: ${fmt(v)}`)
            .join(', ')} |`,
      ),
      '',
    );
  }
  out.push(
    'Link + unlink churn: each request is one operation (a link answers 201, or 200 when the pair was linked; an unlink 200, ' +
      'or 404 when another connection got there first); any other answer is unexpected. Mixed: per connection, in a loop, ' +
      '6 × GET /item/{id}, GET /tag/{id}, GET /heroes/{id}, a link and its unlink.',
    '',
  );

  const probe = (f: ProbeFigures) =>
    `${ms(f.p50)} / ${ms(f.p99)} / ${ms(f.max)} (${fmt(f.requests)}: ${Object.entries(f.statuses)
      .map(([k, v]) => `${k} × ${fmt(v)}`)
      .join(', ')})`;
  out.push(
    '## Faults',
    '',
    'A prober in a process of its own sends /health and GET /item/{id} (a random item) every 50 ms during each fault; ' +
      'figures are p50 / p99 / max ms of its requests sent during the fault, and its answers.',
    '',
    `**Overload**: autocannon, ${results.databases[0]?.faults.overload.connections ?? 500} connections on GET /store (every store with all its ` +
      'items and tags), for the run length; then the time until GET /store answers 200 again.',
    '',
    '| database | GET /store answers | 503 | errors | peak RSS MB | /health | GET /item/{id} | recovered |',
    '|---|--:|--:|--:|--:|---|---|--:|',
    ...results.databases.map((d) => {
      const o = d.faults.overload;
      return `| ${d.label} | ${fmt(o.requests)} (${fmt(o.ok)} × 200) | ${fmt(o.refused)} (${fmt((o.refused / Math.max(1, o.requests)) * 100)} %) | ${fmt(o.errors)} | ${o.peakRssMB} | ${probe(o.health)} | ${probe(o.item)} | ${fmt(o.recoverMs)} ms |`;
    }),
    '',
    '**Write lock held from outside** (SQLite): another connection holds `BEGIN IMMEDIATE` on the file while a second prober ' +
      'creates a store every 50 ms; then the time from the release to the first store created.',
    '',
    '| database | held | /health | GET /item/{id} | writes (POST /store) | recovered |',
    '|---|--:|---|---|---|--:|',
    ...results.databases.flatMap((d) => {
      const l = d.faults.lock;
      return l
        ? [`| ${d.label} | ${l.holdSeconds} s | ${probe(l.health)} | ${probe(l.item)} | ${probe(l.writes)} | ${fmt(l.recoverMs)} ms |`]
        : [];
    }),
    '',
    '## Baseline: GET /item/{id}',
    '',
    'A bare `node:http` server (`bench/baseline-server.ts`) answering the same JSON from one prepared statement. ' +
      'Runs interleaved (baseline, Junction, baseline, Junction …); medians compared.',
    '',
    '| database | baseline req/s (runs) | Junction req/s (runs) | baseline p99 ms | Junction p99 ms | Junction / baseline |',
    '|---|---|---|--:|--:|--:|',
    ...results.databases.map((d) => {
      const b = d.baseline;
      const runs = (list: Measurement[]) => list.map((m) => fmt(m.rps)).join(', ');
      const p99 = (list: Measurement[]) => ms(Math.max(...list.map((m) => m.p99)));
      return `| ${d.label} | **${fmt(b.baselineRps)}** (${runs(b.baseline)}) | **${fmt(b.junctionRps)}** (${runs(b.junction)}) | ${p99(b.baseline)} | ${p99(b.junction)} | **${fmt(b.ratio, 2)}** |`;
    }),
    '',
    '## GET /item/{id} against the number of links',
    '',
    '1/100 of the stores, each as in the full catalog (its items, tags and their links), so 1/100 of the links and the same answers: does a read cost more in a bigger catalog?',
    '',
    '| database | links | req/s | links | req/s | difference |',
    '|---|--:|--:|--:|--:|--:|',
    ...results.databases.map(
      (d) =>
        `| ${d.label} | ${fmt(d.linkScale.fewLinks)} | ${fmt(d.linkScale.fewRps)} | ${fmt(d.linkScale.manyLinks)} | ${fmt(d.linkScale.manyRps)} | ${fmt(d.linkScale.drop * 100, 1)} % |`,
    ),
    '',
    'The filtered reads of API.md §6 on the same two catalogs (one run each):',
    '',
    '| database | read | req/s, fewer links | req/s, all links | difference |',
    '|---|---|--:|--:|--:|',
    ...results.databases.flatMap((d) =>
      d.linkScale.filtered.map((f) => `| ${d.label} | ${f.title} | ${fmt(f.fewRps)} | ${fmt(f.manyRps)} | ${fmt(f.drop * 100, 1)} % |`),
    ),
    '',
    '## Every core: GET /item/{id} with 1 and 2 processes',
    '',
    '`WEB_CONCURRENCY=1` (one process) and `WEB_CONCURRENCY=2` (a primary and two workers sharing the port), same load. ' +
      'The load generator (the bench, autocannon) runs on the same 2 cores: the CPU column says what each process used ' +
      '(cores, on average over the run).',
    '',
    '| database | processes | req/s | p50 ms | p99 ms | errors | CPU |',
    '|---|--:|--:|--:|--:|--:|---|',
    ...results.databases.flatMap((d) =>
      d.workers.map(
        (w) =>
          `| ${d.label} | ${w.workers} | ${fmt(w.rps)} | ${ms(w.p50)} | ${ms(w.p99)} | ${w.errors} | ${w.cpu.map((c) => `${c.process} ${fmt(c.cores, 2)}`).join(', ')} |`,
      ),
    ),
    '',
    '## Start to healthy',
    '',
    "`npm start`'s node command on the seeded database, /health polled every 10 ms. With an admin configured, the start also " +
      'hashes its password (Argon2id).',
    '',
    '| database | with ADMIN_* (ms) | without (ms) |',
    '|---|---|---|',
    ...results.databases.map(
      (d) =>
        `| ${d.label} | ${d.startup.withAdminMs.map((v) => fmt(v)).join(', ')} | ${d.startup.withoutAdminMs.map((v) => fmt(v)).join(', ')} |`,
    ),
    '',
    '## Query plans',
    '',
    'The statements the service logged (LOG_SQL=1) for one request to each endpoint, explained on the seeded database ' +
      '(`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL).',
    '',
  );
  for (const d of results.databases) {
    out.push(`### ${d.label}`, '');
    for (const plan of d.plans) {
      out.push(
        `#### GET ${plan.endpoint} — parameters ${JSON.stringify(plan.parameters)}`,
        '',
        '```sql',
        plan.sql,
        '```',
        '',
        '```',
        plan.plan,
        '```',
        '',
      );
    }
  }
  return out.join('\n');
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS: Record<Kind, string> = { sqlite: '#3b6fb6', postgres: '#e07b28' };

/** Grouped bars: requests/s for each scenario on each database, then the baseline's GET /item/{id}. */
export function renderChart(results: Results): string {
  const dbs = results.databases;
  const groups = [
    ...(dbs[0]?.scenarios ?? []).map((s) => ({
      label: s.title,
      values: dbs.map((d) => d.scenarios.find((x) => x.name === s.name)?.rps ?? 0),
    })),
    { label: 'baseline GET /item/{id}', values: dbs.map((d) => d.baseline.baselineRps) },
  ];
  const width = 960;
  const height = 500;
  const left = 70;
  const top = 70;
  const plotHeight = 270;
  const groupWidth = (width - left - 20) / groups.length;
  const barWidth = Math.min(34, (groupWidth - 16) / Math.max(1, dbs.length));
  const max = niceMax(Math.max(1, ...groups.flatMap((g) => g.values)));
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;

  const svg: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">Junction: requests per second (${results.meta.connections} connections${results.meta.quick ? ', quick catalog' : ''})</text>`,
    `<text x="${left}" y="44">${escapeXml(dbs.map((d) => `${d.label}: Junction / baseline on GET /item/{id} = ${d.baseline.ratio.toFixed(2)}`).join('   ·   '))}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const value = (max / 5) * i;
    svg.push(
      `<line x1="${left}" x2="${width - 20}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555">${fmt(value)}</text>`,
    );
  }
  groups.forEach((group, g) => {
    const x0 = left + g * groupWidth + (groupWidth - barWidth * dbs.length) / 2;
    group.values.forEach((value, i) => {
      const x = x0 + i * barWidth;
      const baseline = g === groups.length - 1;
      svg.push(
        `<rect x="${x}" y="${y(value)}" width="${barWidth - 2}" height="${top + plotHeight - y(value)}" fill="${COLORS[dbs[i]!.kind]}"${baseline ? ' fill-opacity="0.45" stroke="#333" stroke-dasharray="3 2"' : ''}/>`,
        `<text x="${x + barWidth / 2 - 1}" y="${y(value) - 4}" text-anchor="middle" font-size="10">${fmt(value)}</text>`,
      );
    });
    const cx = left + g * groupWidth + groupWidth / 2;
    svg.push(
      `<text transform="translate(${cx + 4},${top + plotHeight + 14}) rotate(-25)" text-anchor="end" font-size="11">${escapeXml(group.label)}</text>`,
    );
  });
  svg.push(`<line x1="${left}" x2="${width - 20}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#333"/>`);
  dbs.forEach((d, i) => {
    const x = width - 260 + i * 120;
    svg.push(
      `<rect x="${x}" y="${height - 26}" width="12" height="12" fill="${COLORS[d.kind]}"/>`,
      `<text x="${x + 18}" y="${height - 16}">${d.label}</text>`,
    );
  });
  svg.push(`<text x="${left}" y="${height - 16}" fill="#555">dashed: the bare node:http baseline</text>`, '</svg>');
  return svg.join('\n');
}

/** Five equal steps of a round size (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) reaching `value`. */
function niceMax(value: number): number {
  const raw = value / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return 5 * ([1, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((m) => m >= raw) ?? 10 * power);
}
