import path from 'node:path';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

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
}

/** A setting that cannot work: the process prints it and stops before doing anything. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATA_DIR = 'data';

export function parseDatabaseUrl(url: string | undefined, dataDir = DEFAULT_DATA_DIR): DatabaseConfig {
  if (url === undefined || url.trim() === '') {
    return { kind: 'sqlite', path: path.join(dataDir, 'junction.db') };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const file = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (file?.[1]) return { kind: 'sqlite', path: file[1] };
  throw new ConfigError(
    `DATABASE_URL must be postgres://…, postgresql://…, sqlite:PATH or file:PATH (it starts "${url.split(":")[0]}:")`,
  );
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = env.DATA_DIR || DEFAULT_DATA_DIR;
  return {
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    database: parseDatabaseUrl(env.DATABASE_URL, dataDir),
    dataDir,
    logSql: parseFlag('LOG_SQL', env.LOG_SQL),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    production: env.NODE_ENV === 'production',
    jwtSecret: env.JWT_SECRET,
    admin: parseAdmin(env.ADMIN_USERNAME, env.ADMIN_PASSWORD),
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    authRateLimit: parsePositiveInteger('AUTH_RATE_LIMIT', env.AUTH_RATE_LIMIT, 10),
    requestTimeoutMs: parsePositiveInteger('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000),
  };
}
