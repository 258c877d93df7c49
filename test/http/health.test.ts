import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { errorHandling } from '../../src/http/error-handler.js';
import { health } from '../../src/http/health.js';
import { ErrorEnvelope } from '../../src/http/schemas.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe.each(BACKENDS)('health checks on %s', (backend) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
    await database.close().catch(() => undefined);
    await testDatabase.drop();
  });

  /** The health routes over a fresh database, shedding load or not as `shedding` says. */
  async function build(shedding: () => boolean) {
    testDatabase = await createTestDatabase(backend);
    database = openDatabase(testDatabase.config);
    app = Fastify();
    errorHandling(app);
    app.addSchema(ErrorEnvelope);
    health(app, { database, shedding });
    await app.ready();
  }

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json(), retryAfter: response.headers['retry-after'] };
  };
  const unavailable = (message: string) => ({
    status: 503,
    body: { code: 503, status: 'Service Unavailable', message },
    retryAfter: '1',
  });

  it('answers live, ready and /health with 200 while the database answers and takes writes', async () => {
    await build(() => false);
    for (const url of ['/health', '/health/live', '/health/ready']) {
      expect(await get(url), url).toEqual({ status: 200, body: { status: 'ok' }, retryAfter: undefined });
    }
  });

  it('is live but not ready while it sheds load, and /health stays as the contract says', async () => {
    await build(() => true);
    expect((await get('/health/live')).status).toBe(200);
    expect(await get('/health/ready')).toEqual(unavailable('The service is shedding load.'));
    expect((await get('/health')).status).toBe(200);
  });

  it('is live but neither ready nor healthy once the database does not answer', async () => {
    await build(() => false);
    await database.close();
    expect((await get('/health/live')).status).toBe(200);
    expect(await get('/health/ready')).toEqual(unavailable('The database is not answering.'));
    expect(await get('/health')).toEqual(unavailable('The database is not answering.'));
  });
});

describe('readiness on a SQLite file whose disk is full', () => {
  it('is healthy and live but not ready when the disk beside the file has less room than the bound', async () => {
    const testDatabase = await createTestDatabase('sqlite');
    // No disk has this much room: as a full disk does, it fails the check that /health/ready makes.
    const database = openDatabase(testDatabase.config, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    const app = Fastify();
    try {
      errorHandling(app);
      app.addSchema(ErrorEnvelope);
      health(app, { database, shedding: () => false });
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ code: 503, status: 'Service Unavailable', message: 'The database takes no writes.' });
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await database.close();
      await testDatabase.drop();
    }
  });
});
