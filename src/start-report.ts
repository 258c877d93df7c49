import path from 'node:path';
import type { DatabaseConfig } from './config/config.js';
import type { SecretSource } from './config/secret.js';

export type DatabaseDescription =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; host: string; port: number; database: string; user?: string };

/** Where the data is, and never a password: SQLite's file (its full path), or PostgreSQL's server and database. */
export function describeDatabase(config: DatabaseConfig): DatabaseDescription {
  if (config.kind === 'sqlite') return { kind: 'sqlite', file: config.path === ':memory:' ? ':memory:' : path.resolve(config.path) };
  const url = new URL(config.url);
  const user = decodeURIComponent(url.username) || undefined;
  return {
    kind: 'postgres',
    // A socket folder may come as `?host=`, as libpq takes it.
    host: url.hostname || url.searchParams.get('host') || 'localhost',
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)) || user || 'postgres',
    ...(user ? { user } : {}),
  };
}

const databaseText = (d: DatabaseDescription) =>
  d.kind === 'sqlite' ? `SQLite ${d.file}` : `PostgreSQL ${d.user ? `${d.user}@` : ''}${d.host}:${d.port}/${d.database}`;

const secretText = (s: SecretSource) =>
  s.kind === 'environment' ? 'from JWT_SECRET' : `${s.generated ? 'generated now, ' : ''}kept in ${s.file} (owner-only)`;

export interface StartFacts {
  version: string;
  database: DatabaseConfig;
  /** The migrations this start applied. */
  applied: string[];
  secret: SecretSource;
  metrics?: { token?: string };
  /** How many workers serve (`--workers`), as the primary reports; absent for a single process. */
  workers?: number;
}

/** The start log line: what runs, where its data is, what changed in its schema, where its key is. */
export function startReport({ version, database, applied, secret, metrics, workers }: StartFacts): { fields: object; message: string } {
  const where = describeDatabase(database);
  const migrations = applied.length ? `applied migrations ${applied.join(', ')}` : 'no migration to apply';
  const metricsText = metrics ? `; metrics at /metrics${metrics.token ? ' (METRICS_TOKEN)' : ''}` : '';
  return {
    fields: {
      version,
      database: where,
      migrationsApplied: applied,
      jwtSecret: secret.kind === 'environment' ? 'JWT_SECRET' : { file: secret.file, generated: secret.generated },
      metrics: metrics ? { protected: metrics.token !== undefined } : false,
      ...(workers === undefined ? {} : { workers }),
    },
    message:
      `junction ${version}: data in ${databaseText(where)}; ${migrations}; JWT secret ${secretText(secret)}${metricsText}` +
      (workers === undefined ? '' : `; ${workers} workers`),
  };
}
