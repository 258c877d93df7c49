// The load: what each scenario requests, which answers count as success, and one autocannon run.
import autocannon, { type Request } from 'autocannon';
import type { Pools } from './catalog.js';
import { otherLoad } from './cpu.js';
import { memory } from './server.js';

export interface Scenario {
  name: string;
  title: string;
  /** Needs a Bearer token (writes). */
  auth?: boolean;
  /** autocannon's request cycle: each connection runs these in order, again and again. */
  requests(pools: Pools, headers: Record<string, string>): Request[];
}

const random = (n: number) => 1 + Math.floor(Math.random() * n);

/** A GET whose path is drawn anew for every request (setupRequest), so the ids are spread over the catalog. */
const get = (path: () => string): Request => ({
  method: 'GET',
  setupRequest: (request) => Object.assign(request, { path: path() }),
});

/** What a connection remembers between its requests (autocannon's context): the pair it linked. */
interface Pair {
  path?: string;
}

/**
 * Link, then unlink, a random item with a random tag of the same store: each connection churns its own
 * pair, one link-or-unlink operation per request. A pair already linked by the seed answers 200 and is
 * then unlinked, so the catalog loses a few seeded links (about one in five pairs is one).
 */
function churn(pools: Pools, headers: Record<string, string>): [Request, Request] {
  const pair = () => {
    const item = random(pools.items);
    const tags = pools.tagsOfStore.get(pools.storeOfItem[item]!)!;
    return `/item/${item}/tag/${tags[random(tags.length) - 1]}`;
  };
  return [
    {
      method: 'POST',
      headers,
      setupRequest: (request, context) => {
        const path = pair();
        (context as Pair).path = path;
        return Object.assign(request, { path });
      },
    },
    { method: 'DELETE', headers, setupRequest: (request, context) => Object.assign(request, { path: (context as Pair).path }) },
  ];
}

/** `count` distinct tags of one store chosen at random. */
function tagsOfOneStore(pools: Pools, count: number): number[] {
  const tags = [...pools.tagsOfStore.get(random(pools.stores))!];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (tags.length - i));
    [tags[i], tags[j]] = [tags[j]!, tags[i]!];
  }
  return tags.slice(0, count);
}

/** What a connection remembers between its sets: its item and the two tag sets it alternates. */
interface Sets {
  item?: number;
  sets?: [number[], number[]];
  turn?: number;
}

/**
 * Sets a random item's tags to 10 of its store's, then to 10 others of which 5 are the same, again and
 * again: each PUT after the first adds 5 links and removes 5.
 */
function setTags(pools: Pools, headers: Record<string, string>): Request {
  return {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    setupRequest: (request, context) => {
      const state = context as Sets;
      if (!state.item) {
        state.item = random(pools.items);
        const tags = pools.tagsOfStore.get(pools.storeOfItem[state.item]!)!.slice(0, 15);
        state.sets = [tags.slice(0, 10), tags.slice(5, 15)];
        state.turn = 0;
      }
      state.turn = (state.turn ?? 0) + 1;
      const tagIds = state.sets![state.turn % 2];
      return Object.assign(request, { path: `/item/${state.item}/tag`, body: JSON.stringify({ tag_ids: tagIds }) });
    },
  };
}

const item = (p: Pools) => get(() => `/item/${random(p.items)}`);
const tag = (p: Pools) => get(() => `/tag/${random(p.tags)}`);
const hero = (p: Pools) => get(() => `/heroes/${random(p.heroes)}`);

export const ITEM: Scenario = { name: 'item', title: 'GET /item/{id}', requests: (p) => [item(p)] };

export const SCENARIOS: Scenario[] = [
  ITEM,
  { name: 'tag', title: 'GET /tag/{id}', requests: (p) => [tag(p)] },
  { name: 'store-tags', title: 'GET /store/{id}/tag', requests: (p) => [get(() => `/store/${random(p.stores)}/tag`)] },
  // Pages of the default size (100) anywhere in the catalog, the deep ones included.
  { name: 'item-page', title: 'GET /item?page=…', requests: (p) => [get(() => `/item?page=${random(Math.ceil(p.items / 100))}`)] },
  { name: 'hero', title: 'GET /heroes/{id}', requests: (p) => [hero(p)] },
  { name: 'churn', title: 'link + unlink churn', auth: true, requests: (p, h) => churn(p, h) },
  // API.md §6: questions through the links, and sets.
  {
    name: 'tags-all',
    title: 'GET /item?tags_all=A,B&page_size=20',
    requests: (p) => [get(() => `/item?tags_all=${tagsOfOneStore(p, 2).join(',')}&page_size=20`)],
  },
  { name: 'tag-items', title: 'GET /tag/{id}/item?page_size=20', requests: (p) => [get(() => `/tag/${random(p.tags)}/item?page_size=20`)] },
  {
    name: 'tags-none',
    title: 'GET /item?tags_none=A&page_size=20',
    requests: (p) => [get(() => `/item?tags_none=${tagsOfOneStore(p, 1).join(',')}&page_size=20`)],
  },
  { name: 'search', title: 'GET /item?q=…&page_size=20', requests: (p) => [get(() => `/item?q=${random(p.items)}&page_size=20`)] },
  { name: 'set-tags', title: 'PUT /item/{id}/tag (10 tags for 10 others, 5 shared)', auth: true, requests: (p, h) => [setTags(p, h)] },
  {
    // 80 % reads (6 items, 1 tag, 1 hero), 20 % writes (a link and its unlink), per connection in this order.
    name: 'mixed',
    title: 'mixed 80 % read / 20 % write',
    auth: true,
    requests: (p, h) => {
      const [link, unlink] = churn(p, h);
      return [item(p), item(p), item(p), link, item(p), tag(p), item(p), hero(p), item(p), unlink];
    },
  },
];

export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors (timeouts included). */
  errors: number;
  non2xx: number;
  /** Answers outside what the request may answer (see `expected`). */
  unexpected: number;
  statuses: Record<string, number>;
  peakRssMB?: number;
  /** Cores used on average by processes other than the bench, the server and PostgreSQL during the run. */
  otherCores: number;
  seconds: number;
}

/** What counts as a good answer: 200/201 for a link, 200/404 for an unlink (a pair another connection unlinked). */
const expected = (method: string, status: number) =>
  method === 'POST' ? status === 200 || status === 201 : method === 'DELETE' ? status === 200 || status === 404 : status === 200;

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Server process whose peak RSS is measured over the run. */
  pid?: number;
  /** Whether PostgreSQL works for the server (its CPU is then not "other load"). */
  postgres?: boolean;
}

/** A connection's context (autocannon's): when its request in flight was set up. */
interface Timed {
  sentAt: number;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const round = (ms: number) => (ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms));

/**
 * One autocannon run against `url`; every answer is tallied as "METHOD status". Latency is timed here,
 * from a request's setup to its answer on the connection's context: autocannon's own histogram
 * counts a request answered on a connection the server then closes (a refusal under overload) as
 * lasting until long after (50 connections refused and reconnecting: its mean 1,370 ms at 2,460 req/s,
 * where 50 connections at that rate can average no more than 20 ms; timed here, 19 ms).
 */
export async function load(url: string, requests: Request[], options: LoadOptions): Promise<Measurement> {
  const statuses: Record<string, number> = {};
  let latencies = new Float64Array(1 << 16);
  let answered = 0;
  const timed = requests.map(
    (request): Request => ({
      ...request,
      setupRequest: (next, context) => {
        (context as Timed).sentAt = performance.now();
        return typeof request.setupRequest === 'function' ? request.setupRequest(next, context) : next;
      },
      onResponse: (status, body, context, headers) => {
        const key = `${request.method ?? 'GET'} ${status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (answered === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[answered++] = performance.now() - (context as Timed).sentAt;
        if (typeof request.onResponse === 'function') request.onResponse(status, body, context, headers);
      },
    }),
  );
  if (options.pid) memory.resetPeak(options.pid);
  const others = otherLoad(options.pid ? [options.pid] : [], options.postgres ?? false);
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds, requests: timed });
  const sorted = latencies.subarray(0, answered).sort();
  const unexpected = Object.entries(statuses)
    .filter(([key]) => {
      const [method, status] = key.split(' ');
      return !expected(method!, Number(status));
    })
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    rps: Math.round(result.requests.total / result.duration),
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    unexpected,
    statuses,
    peakRssMB: options.pid ? memory.peakMB(options.pid) : undefined,
    otherCores: others.stop(),
    seconds: result.duration,
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
