import { isIP } from 'node:net';
import path from 'node:path';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      url: string;
      /** Connections each process keeps (DATABASE_POOL_SIZE); one more serves the health checks. */
      poolSize?: number;
      /** Hot queries as named prepared statements (DATABASE_PREPARED_STATEMENTS); off behind a pooler that cannot keep them. */
      preparedStatements?: boolean;
    };

/** Fastify's `trustProxy`: off, every proxy, or the proxies' addresses and CIDR ranges. */
export type TrustProxy = boolean | string[];

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  dataDir: string;
  logSql: boolean;
  logLevel: string;
  production: boolean;
  /** JWT_SECRET as given; `jwtSecret()` turns it (or the kept one) into the key. */
  jwtSecret?: string;
  /** ADMIN_USERNAME + ADMIN_PASSWORD: made sure to exist as an admin at start. */
  admin?: { username: string; password: string };
  corsOrigins: string[];
  /** Requests per minute per client address on /register and /login. */
  authRateLimit: number;
  /** How long a request may take to arrive (REQUEST_TIMEOUT_MS) before it is answered 408. */
  requestTimeoutMs: number;
  /** PUBLIC_URL: where clients reach the service (the API document's `servers`); by default, where each request came to. */
  publicUrl?: string;
  /** GET /metrics: on with METRICS=1 or a METRICS_TOKEN, which a scrape must then send as its bearer token. */
  metrics?: { token?: string };
  /** Processes that serve the port (WEB_CONCURRENCY; `junction serve --workers` overrides it). */
  workers: number;
  /** Which proxies' X-Forwarded-For gives the client address (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** Redis for the sign-in rate limit (REDIS_URL); the database keeps it otherwise. */
  redisUrl?: string;
}

/** A setting that cannot work: the process prints it and stops before doing anything. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATA_DIR = 'data';
const DEFAULT_POOL_SIZE = 10;
const MAX_WORKERS = 64;

export function parseDatabaseUrl(url: string | undefined, dataDir = DEFAULT_DATA_DIR): DatabaseConfig {
  if (url === undefined || url.trim() === '') {
    return { kind: 'sqlite', path: path.join(dataDir, 'junction.db') };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const file = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (file?.[1]) return { kind: 'sqlite', path: file[1] };
  throw new ConfigError(`DATABASE_URL must be postgres://…, postgresql://…, sqlite:PATH or file:PATH (it starts "${url.split(':')[0]}:")`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8000;
  // Decimal digits only: Number() would also read " " as 0, "0x1F" as 31 and "1e3" as 1000.
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535 (got "${value}")`);
  }
  return port;
}

function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError(`${name} must be 1/true or 0/false (got "${value}")`);
}

function parseLogLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!LOG_LEVELS.includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  }
  return value;
}

function parseAdmin(username: string | undefined, password: string | undefined): Config['admin'] {
  if (!username && !password) return undefined;
  if (!username || !password) throw new ConfigError('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  return { username, password };
}

function parsePositiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ConfigError(`${name} must be a positive integer (got "${value}")`);
  return Number(value);
}

function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be an http:// or https:// URL without query or fragment (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

function parseMetrics(enabled: string | undefined, token: string | undefined): Config['metrics'] {
  if (token) {
    // A bearer token is one word of visible ASCII (RFC 6750).
    if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('METRICS_TOKEN must be visible ASCII characters, without spaces');
    return { token };
  }
  return parseFlag('METRICS', enabled) ? {} : undefined;
}

/** How many processes serve: a positive integer, at most 64 (a typo's 1000 would exhaust the machine). */
export function parseWorkers(name: string, value: string | undefined): number {
  const workers = parsePositiveInteger(name, value, 1);
  if (workers > MAX_WORKERS) throw new ConfigError(`${name} must be at most ${MAX_WORKERS} (got "${value}")`);
  return workers;
}

/** proxy-addr's names for ranges: 127.0.0.1/8 and ::1; 169.254.0.0/16 and fe80::/10; the private ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IPv4 or IPv6 address, a range of them in CIDR notation, or a named range. */
function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: `true` (the left-most X-Forwarded-For address: only
 * when nothing but the proxy can reach the service, and it overwrites the header), or the proxies'
 * addresses and CIDR ranges, comma-separated (the address just before the nearest hop not in the list).
 * Off by default: the header is ignored. Fastify 5 no longer honours hop counts (a count cannot tell a
 * proxy from a direct client that sends the header); one is refused here rather than ignored silently.
 */
function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) {
    throw new ConfigError(
      `TRUST_PROXY takes no hop count (got "${text}"): name the proxies' addresses or CIDR ranges, comma-separated ` +
        '(e.g. 10.0.0.0/8), or true when only the proxy can reach the service',
    );
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isAddressOrRange(entry));
  if (bad.length > 0) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, or comma-separated addresses, CIDR ranges or ${NAMED_RANGES.join('/')} (not one: ${bad.map((b) => `"${b}"`).join(', ')})`,
    );
  }
  return entries;
}

function parseRedisUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  // The value is not echoed: it may hold a password.
  if (!/^rediss?:\/\/[^/]/.test(value)) throw new ConfigError('REDIS_URL must be redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://…');
  return value;
}

function withPool(database: DatabaseConfig, env: NodeJS.ProcessEnv): DatabaseConfig {
  const poolSize = parsePositiveInteger('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, DEFAULT_POOL_SIZE);
  const named = env.DATABASE_PREPARED_STATEMENTS;
  const preparedStatements = named === undefined || named === '' || parseFlag('DATABASE_PREPARED_STATEMENTS', named);
  return database.kind === 'postgres' ? { ...database, poolSize, preparedStatements } : database;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = env.DATA_DIR || DEFAULT_DATA_DIR;
  return {
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    database: withPool(parseDatabaseUrl(env.DATABASE_URL, dataDir), env),
    dataDir,
    logSql: parseFlag('LOG_SQL', env.LOG_SQL),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    production: env.NODE_ENV === 'production',
    jwtSecret: env.JWT_SECRET,
    admin: parseAdmin(env.ADMIN_USERNAME, env.ADMIN_PASSWORD),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    authRateLimit: parsePositiveInteger('AUTH_RATE_LIMIT', env.AUTH_RATE_LIMIT, 10),
    requestTimeoutMs: parsePositiveInteger('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000),
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
    metrics: parseMetrics(env.METRICS, env.METRICS_TOKEN),
    workers: parseWorkers('WEB_CONCURRENCY', env.WEB_CONCURRENCY),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    redisUrl: parseRedisUrl(env.REDIS_URL),
  };
}
