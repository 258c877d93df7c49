// A steady prober, run as its own process (`startProbe`) so that the load generator's busy event loop
// never delays it: every `everyMs` it sends each of its requests, one after the other, and records when
// it sent it, what answered and how long it took. It stops when its standard input closes, and prints
// its samples as JSON.
import http from 'node:http';

export interface ProbeRequest {
  label: string;
  method?: string;
  /** `{item}` becomes a random item id from 1 to `items`. */
  path: string;
  headers?: Record<string, string>;
  /** `{n}` becomes a number no other request of this probe had. */
  body?: string;
}

export interface ProbeSpec {
  url: string;
  requests: ProbeRequest[];
  everyMs: number;
  items: number;
  /** Each request gives up after this long (recorded as status 0). */
  timeoutMs: number;
}

export interface Sample {
  label: string;
  /** When it was sent, ms since the epoch. */
  at: number;
  ms: number;
  status: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let sent = 0;

function send(spec: ProbeSpec, request: ProbeRequest): Promise<Sample> {
  const at = Date.now();
  const started = performance.now();
  const path = request.path.replace('{item}', String(1 + Math.floor(Math.random() * spec.items)));
  return new Promise((resolve) => {
    const done = (status: number) => resolve({ label: request.label, at, ms: performance.now() - started, status });
    const outgoing = http.request(
      `${spec.url}${path}`,
      { method: request.method ?? 'GET', headers: request.headers, agent, timeout: spec.timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
        response.on('error', () => done(0));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', () => done(0));
    outgoing.end(request.body?.replace('{n}', `${process.pid}-${++sent}`));
  });
}

async function main(spec: ProbeSpec) {
  const samples: Sample[] = [];
  let running = true;
  process.stdin.on('end', () => (running = false)).resume();
  while (running) {
    const next = Date.now() + spec.everyMs;
    for (const request of spec.requests) samples.push(await send(spec, request));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  process.stdout.write(JSON.stringify(samples));
  agent.destroy();
}

if (process.argv[2]) await main(JSON.parse(process.argv[2]) as ProbeSpec);
