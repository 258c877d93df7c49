import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config/config.js';

/** The ConfigError that loading `env` throws. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:8000 and a SQLite file under data/', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('data');
    expect(config.database).toEqual({ kind: 'sqlite', path: path.join('data', 'junction.db') });
    expect(config.logSql).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
  });

  it('treats empty settings as unset', () => {
    const config = loadConfig({ PORT: '', HOST: '', DATABASE_URL: '', LOG_SQL: '', LOG_LEVEL: '', DATA_DIR: '' });
    expect(config).toEqual(loadConfig({}));
  });

  it('does not read the process environment when given one', () => {
    const config = loadConfig({ PORT: '9123' });
    expect(config.port).toBe(9123);
  });

  it('takes PORT and HOST', () => {
    expect(loadConfig({ PORT: '3000', HOST: '0.0.0.0' })).toMatchObject({ port: 3000, host: '0.0.0.0' });
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('keeps the default SQLite file in DATA_DIR when one is given', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/junction' });
    expect(config.dataDir).toBe('/var/lib/junction');
    expect(config.database).toEqual({ kind: 'sqlite', path: path.join('/var/lib/junction', 'junction.db') });
  });

  it('reads DATABASE_URL in each documented form', () => {
    const cases: Array<[string, unknown]> = [
      ['postgres://user:pw@db.example:5432/junction', { kind: 'postgres', url: 'postgres://user:pw@db.example:5432/junction' }],
      ['postgresql://localhost/junction', { kind: 'postgres', url: 'postgresql://localhost/junction' }],
      ['sqlite:other.db', { kind: 'sqlite', path: 'other.db' }],
      ['sqlite:./dir/other.db', { kind: 'sqlite', path: './dir/other.db' }],
      ['sqlite:/tmp/junction.db', { kind: 'sqlite', path: '/tmp/junction.db' }],
      ['sqlite:///tmp/junction.db', { kind: 'sqlite', path: '/tmp/junction.db' }],
      ['file:store.db', { kind: 'sqlite', path: 'store.db' }],
      ['file:/srv/store.db', { kind: 'sqlite', path: '/srv/store.db' }],
      ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
    ];
    for (const [url, expected] of cases) {
      expect(loadConfig({ DATABASE_URL: url }).database, url).toMatchObject(expected as object);
      expect(parseDatabaseUrl(url), url).toEqual(expected);
    }
  });

  it('turns LOG_SQL on with 1 or true, off with 0 or false', () => {
    expect(loadConfig({ LOG_SQL: '1' }).logSql).toBe(true);
    expect(loadConfig({ LOG_SQL: 'true' }).logSql).toBe(true);
    expect(loadConfig({ LOG_SQL: '0' }).logSql).toBe(false);
    expect(loadConfig({ LOG_SQL: 'false' }).logSql).toBe(false);
  });

  it('takes LOG_LEVEL and NODE_ENV=production', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).production).toBe(false);
  });

  it('refuses a PORT that is not a port number, naming PORT and the value', () => {
    for (const port of ['abc', '80.5', '-1', '65536', '99999', '8000abc', ' ', '0x1F', '1e3']) {
      const error = configError({ PORT: port });
      expect(error.name).toBe('ConfigError');
      expect(error.message, port).toMatch(/^PORT must be an integer from 0 to 65535/);
      expect(error.message, port).toContain(`"${port}"`);
    }
  });

  it('refuses a DATABASE_URL of another kind, naming the accepted forms without echoing secrets', () => {
    const urls = ['mysql://root:hunter2@localhost/db', 'localhost:5432/junction', 'sqlite:', 'file:', 'junction.db'];
    for (const url of urls) {
      const error = configError({ DATABASE_URL: url });
      expect(error.message, url).toMatch(/^DATABASE_URL must be/);
      for (const form of ['postgres://', 'postgresql://', 'sqlite:PATH', 'file:PATH']) {
        expect(error.message, url).toContain(form);
      }
      expect(error.message, url).not.toContain('hunter2');
    }
  });

  it('refuses a LOG_SQL that is not a flag, naming LOG_SQL and the value', () => {
    for (const value of ['yes', 'on', '2', 'TRUE ']) {
      const error = configError({ LOG_SQL: value });
      expect(error.message, value).toMatch(/^LOG_SQL must be 1\/true or 0\/false/);
      expect(error.message, value).toContain(`"${value}"`);
    }
  });

  it('takes REQUEST_TIMEOUT_MS (30 s by default), and refuses one that is not a positive integer', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(30_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '5000' }).requestTimeoutMs).toBe(5000);
    for (const value of ['0', '-1', '1.5', 'soon']) {
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value }), value).toThrow(/REQUEST_TIMEOUT_MS must be a positive integer/);
    }
  });

  it('refuses an unknown LOG_LEVEL, listing the levels', () => {
    const error = configError({ LOG_LEVEL: 'verbose' });
    expect(error.message).toMatch(/^LOG_LEVEL must be one of/);
    expect(error.message).toContain('debug');
    expect(error.message).toContain('"verbose"');
  });

  it('turns metrics on with METRICS=1 or a METRICS_TOKEN (which a scrape must then send), off by default', () => {
    expect(loadConfig({}).metrics).toBeUndefined();
    expect(loadConfig({ METRICS: '0' }).metrics).toBeUndefined();
    expect(loadConfig({ METRICS: '1' }).metrics).toEqual({});
    expect(loadConfig({ METRICS: '1', METRICS_TOKEN: 'scrape-me' }).metrics).toEqual({ token: 'scrape-me' });
    expect(loadConfig({ METRICS_TOKEN: 'scrape-me' }).metrics).toEqual({ token: 'scrape-me' });
    expect(configError({ METRICS: 'yes' }).message).toMatch(/^METRICS must be 1\/true or 0\/false/);
    expect(configError({ METRICS_TOKEN: 'two words' }).message).toMatch(/^METRICS_TOKEN must be/);
  });

  it('takes PUBLIC_URL, an http(s) URL, for the API document', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.org/junction/' }).publicUrl).toBe('https://api.example.org/junction');
    for (const url of ['api.example.org', 'ftp://example.org', 'https://example.org/?a=1', 'https://example.org/#top']) {
      expect(configError({ PUBLIC_URL: url }).message, url).toMatch(/^PUBLIC_URL must be/);
    }
  });

  it('serves with one process unless WEB_CONCURRENCY says more, and refuses a count that is not one', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '4' }).workers).toBe(4);
    for (const value of ['0', '-2', 'two', '1.5', '65']) {
      expect(configError({ WEB_CONCURRENCY: value }).message, value).toMatch(/^WEB_CONCURRENCY must be (a positive integer|at most 64)/);
    }
  });

  it('gives PostgreSQL a pool of DATABASE_POOL_SIZE (10) and named statements unless DATABASE_PREPARED_STATEMENTS=0', () => {
    const url = 'postgres://db/junction';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url, poolSize: 10, preparedStatements: true });
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3', DATABASE_PREPARED_STATEMENTS: '0' }).database).toEqual({
      kind: 'postgres',
      url,
      poolSize: 3,
      preparedStatements: false,
    });
    expect(configError({ DATABASE_POOL_SIZE: '0' }).message).toMatch(/^DATABASE_POOL_SIZE must be a positive integer/);
    expect(configError({ DATABASE_PREPARED_STATEMENTS: 'off' }).message).toMatch(
      /^DATABASE_PREPARED_STATEMENTS must be 1\/true or 0\/false/,
    );
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxies (or true)', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1' }).trustProxy).toEqual(['10.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, ::1 ,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses a TRUST_PROXY hop count (Fastify 5 ignores the header with one) and anything that is not an address', () => {
    expect(configError({ TRUST_PROXY: '2' }).message).toMatch(/^TRUST_PROXY takes no hop count \(got "2"\): name the proxies' addresses/);
    for (const value of ['yes', '10.0.0.0/33', '10.0.0', 'proxy.internal', '::1/129', '10.0.0.1,,10.0.0.2', '1.2.3.4/8/9']) {
      const error = configError({ TRUST_PROXY: value });
      expect(error.message, value).toMatch(/^TRUST_PROXY must be true, false, or comma-separated addresses, CIDR ranges/);
    }
  });

  it('takes REDIS_URL for the rate limit, and refuses another scheme without echoing a password', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
    const error = configError({ REDIS_URL: 'http://:hunter2@cache' });
    expect(error.message).toMatch(/^REDIS_URL must be redis:\/\//);
    expect(error.message).not.toContain('hunter2');
  });
});
