// The fault scenarios: overload (500 connections on the heaviest list) and, on SQLite, a write lock held
// from outside. A prober in its own process measures /health and GET /item/{id} meanwhile.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Sqlite as BetterSqlite3 } from '../src/database/sqlite-driver.js';
import autocannon from 'autocannon';
import type { Pools } from './catalog.js';
import type { ProbeRequest, ProbeSpec, Sample } from './probe.js';
import { memory, ROOT, type Server } from './server.js';

/** Latency figures of the probe's requests with one label, within a time window. */
export interface ProbeFigures {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

export interface OverloadResult {
  connections: number;
  seconds: number;
  requests: number;
  ok: number;
  refused: number;
  /** Connection errors and timeouts of the load generator. */
  errors: number;
  peakRssMB: number;
  health: ProbeFigures;
  item: ProbeFigures;
  /** From the end of the load to the first 200 of GET /store. */
  recoverMs: number;
}

export interface LockResult {
  holdSeconds: number;
  health: ProbeFigures;
  item: ProbeFigures;
  writes: ProbeFigures;
  /** From the lock's release to the first write answered 201. */
  recoverMs: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export function figures(samples: Sample[], label: string, from: number, to: number): ProbeFigures {
  const within = samples.filter((s) => s.label === label && s.at >= from && s.at < to);
  const sorted = within.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of within) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: within.length,
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
    statuses,
  };
}

/** Starts the prober (bench/probe.ts) as its own process; `stop` ends it and resolves with its samples. */
function startProbe(spec: ProbeSpec) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'probe.ts'), JSON.stringify(spec)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop(): Promise<Sample[]> {
      child.stdin.end();
      await exited;
      return JSON.parse(output) as Sample[];
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms until it holds; the milliseconds that took (at most `limitMs`). */
async function timeUntil(check: () => Promise<boolean>, limitMs = 30_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs && !(await check().catch(() => false))) await sleep(10);
  return Math.round(performance.now() - started);
}

const status = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.status;
};

const PROBES: ProbeRequest[] = [
  { label: 'health', path: '/health' },
  { label: 'item', path: '/item/{item}' },
];

/**
 * 500 connections asking for GET /store (every store with all its items and tags: megabytes per
 * answer) for `seconds`, while the prober asks for /health and an item every 50 ms.
 */
export async function overload(server: Server, pools: Pools, seconds: number, connections = 500): Promise<OverloadResult> {
  const probe = startProbe({ url: server.url, requests: PROBES, everyMs: 50, items: pools.items, timeoutMs: 10_000 });
  await sleep(500);
  memory.resetPeak(server.pid);
  const from = Date.now();
  const result = await autocannon({ url: `${server.url}/store`, connections, duration: seconds, timeout: 10 });
  const to = Date.now();
  const peakRssMB = memory.peakMB(server.pid);
  const recoverMs = await timeUntil(async () => (await status(`${server.url}/store?page_size=1`)) === 200);
  const samples = await probe.stop();
  const codes = result.statusCodeStats as Record<string, { count: number }>;
  return {
    connections,
    seconds,
    requests: result.requests.total,
    ok: codes['200']?.count ?? 0,
    refused: codes['503']?.count ?? 0,
    errors: result.errors + result.timeouts,
    peakRssMB,
    health: figures(samples, 'health', from, to),
    item: figures(samples, 'item', from, to),
    recoverMs,
  };
}

/**
 * Another connection holds the SQLite file's write lock (`BEGIN IMMEDIATE`, as a backup, a sqlite3 shell
 * or a second instance would) for `seconds`, while the prober asks for /health, an item, and creates a
 * store every 50 ms.
 */
export async function lockHeld(server: Server, file: string, pools: Pools, token: string, seconds: number): Promise<LockResult> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const write: ProbeRequest = { label: 'write', method: 'POST', path: '/store', headers, body: JSON.stringify({ name: 'bench lock {n}' }) };
  // Writes wait for the lock up to their bound: they have a prober of their own, so reads are probed as often.
  const readers = startProbe({ url: server.url, requests: PROBES, everyMs: 50, items: pools.items, timeoutMs: 10_000 });
  const writers = startProbe({ url: server.url, requests: [write], everyMs: 50, items: pools.items, timeoutMs: 10_000 });
  const outside = new BetterSqlite3(file);
  await sleep(500);
  const from = Date.now();
  outside.exec('BEGIN IMMEDIATE');
  await sleep(seconds * 1000);
  outside.exec('ROLLBACK');
  const to = Date.now();
  outside.close();
  let n = 0;
  const recoverMs = await timeUntil(
    async () =>
      (await status(`${server.url}/store`, { method: 'POST', headers, body: JSON.stringify({ name: `bench after lock ${++n}` }) })) === 201,
  );
  const samples = [...(await readers.stop()), ...(await writers.stop())];
  return {
    holdSeconds: seconds,
    health: figures(samples, 'health', from, to),
    item: figures(samples, 'item', from, to),
    writes: figures(samples, 'write', from, to),
    recoverMs,
  };
}
