// Process control for the servers under test: Junction (`npm start`'s node command) and the baseline. Each runs
// as its own process on loopback, so the load generator never shares an event loop with the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Server {
  url: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr (for failures, and the LOG_SQL capture). */
  output: string[];
  stop(): Promise<void>;
}

/** A port nobody listens on right now: the server is told it, so the bench knows where to connect. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function launch(command: string[], env: NodeJS.ProcessEnv, port: number): Server {
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers 200, every `everyMs`; throws (with the server's output) after `timeoutMs`. */
export async function waitHealthy(server: Server, route = '/health', everyMs = 10, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(server.url + route);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(everyMs);
  }
  await server.stop();
  throw new Error(`${server.url}${route} never answered 200:\n${server.output.slice(-20).join('\n')}`);
}

export interface JunctionEnv {
  databaseUrl: string;
  dataDir: string;
  jwtSecret: string;
  admin?: { username: string; password: string };
  logSql?: boolean;
  /** Processes serving the port (`WEB_CONCURRENCY`): 1, or a primary and that many workers. */
  workers?: number;
}

export function junctionEnv(options: JunctionEnv): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir,
    JWT_SECRET: options.jwtSecret,
    // The SQL log is written at info level; otherwise only warnings, so logging costs nothing under load.
    LOG_LEVEL: options.logSql ? 'info' : 'warn',
    LOG_SQL: options.logSql ? '1' : '',
    // The churn scenarios log in again on every run; the default (10 a minute) is for real clients.
    AUTH_RATE_LIMIT: '100000',
    ADMIN_USERNAME: options.admin?.username ?? '',
    ADMIN_PASSWORD: options.admin?.password ?? '',
    NODE_ENV: 'production',
    WEB_CONCURRENCY: String(options.workers ?? 1),
  };
}

/**
 * `npm start`'s script: the environment it sets when not given (`NAME=${NAME:-value}`), then, after
 * `exec node`, Node's flags and the script, as operators run it.
 */
const START_SCRIPT = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const [, START_ASSIGNMENTS = '', START_ARGS = ''] = /^((?:\w+=\S+ )*)exec node (.*)$/.exec(START_SCRIPT) ?? [];
const START_ENV = Object.fromEntries([...START_ASSIGNMENTS.matchAll(/(\w+)=\$\{\w+:-([^}]*)\}/g)].map((m) => [m[1]!, m[2]!]));
const START = START_ARGS.split(' ');
const startEnv = (options: JunctionEnv) => ({ ...START_ENV, ...junctionEnv(options) });

/** Starts Junction exactly as operators do (`npm start`'s node command) and waits for a healthy /health. */
export async function startJunction(options: JunctionEnv): Promise<Server> {
  const server = launch(START, startEnv(options), await freePort());
  await waitHealthy(server);
  return server;
}

/** Milliseconds from spawning `npm start`'s node command to the first 200 on /health, polled every 10 ms. */
export async function timeStartup(options: JunctionEnv): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const server = launch(START, startEnv(options), port);
  await waitHealthy(server, '/health', 10);
  const elapsed = performance.now() - started;
  await server.stop();
  return elapsed;
}

export async function startBaseline(databaseUrl: string): Promise<Server> {
  const script = path.join(ROOT, 'bench', 'baseline-server.ts');
  const server = launch(['--import', 'tsx', script], { DATABASE_URL: databaseUrl }, await freePort());
  await waitHealthy(server, '/item/1');
  return server;
}

/**
 * Peak resident memory of a process since the last reset, in MB. Writing 5 to clear_refs resets the
 * kernel's high-water mark (VmHWM), which gives a peak per scenario instead of per process lifetime.
 */
export const memory = {
  resetPeak(pid: number): boolean {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  },
  peakMB(pid: number): number {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
    return Math.round(kb / 102.4) / 10;
  },
};

export async function login(server: Server, username: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
