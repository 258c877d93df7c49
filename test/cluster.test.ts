import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { finished, runTs, startService, type Running } from './helpers/process.js';
import { logLines, onNewConnection } from './helpers/workers.js';

/** The workers (id and pid) whose logs say they answered a request. */
const answeredBy = (service: Running) =>
  new Set(
    logLines(service)
      .filter((line) => line.msg === 'request completed')
      .map((line) => `${line.worker}/${line.pid}`),
  );

/** Waits for what the logs say: a worker logs a request once it has answered, and the lines come on a pipe of their own. */
const logged = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 50 });

const SERVE_WITH_TWO = { entry: 'src/cli/main.ts', args: ['serve', '--workers', '2'], listening: 2 };

describe('junction serve --workers 2 on one SQLite file', () => {
  let database: TestDatabase;
  let service: Running;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    service = await startService({ DATABASE_URL: database.url, LOG_SQL: '1' }, SERVE_WITH_TWO);
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  it('migrates once, in the primary, before the workers start', () => {
    const logged = logLines(service);
    const creates = logged.filter((line) => line.msg === 'sql' && /^create table/i.test(line.sql ?? ''));
    expect(creates.length).toBeGreaterThan(0);
    const primary = logged.find((line) => line.msg === 'worker started')!.pid;
    for (const create of creates) expect([create.pid, create.worker]).toEqual([primary, undefined]);
    const firstWorkerLine = logged.findIndex((line) => line.worker !== undefined && line.workerPid === undefined);
    expect(logged.lastIndexOf(creates.at(-1)!)).toBeLessThan(firstWorkerLine);
  });

  it('reports the start once, from the primary once the workers listen, naming the migrations it applied', async () => {
    const primary = logLines(service).find((line) => line.msg === 'worker started')!.pid;
    const reports = () => logLines(service).filter((line) => line.msg.startsWith('junction '));
    await logged(() => expect(reports().find((line) => line.pid === primary)).toBeDefined());
    await logged(() => expect(logLines(service).filter((line) => line.msg === 'worker listening')).toHaveLength(2));
    expect(reports()).toHaveLength(1);
    const [report] = reports();
    expect(report).toMatchObject({ workers: 2, migrationsApplied: expect.arrayContaining(['001_stores_items_tags', '002_heroes_teams']) });
    expect(report!.worker).toBeUndefined();
    expect(report!.msg).toContain('applied migrations 001_stores_items_tags, ');
    expect(report!.msg).toMatch(/; 2 workers$/);
    const listening = logLines(service).filter((line) => line.msg === 'worker listening');
    expect(listening.map((line) => line.worker).sort()).toEqual([1, 2]);
    expect(listening.every((line) => line.pid !== primary)).toBe(true);
  });

  it('answers from both workers, each log line naming its worker and pid, and both write the one file', async () => {
    for (let i = 0; i < 10; i++) expect((await onNewConnection(`${service.url}/health/live`)).status).toBe(200);
    await logged(() => expect(answeredBy(service).size).toBe(2));
    const token = await service.adminToken();
    const writes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const sent = await onNewConnection(`${service.url}/store`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: { name: `store ${i}` },
        });
        return sent.status;
      }),
    );
    expect(writes).toEqual(Array(20).fill(201));
    const stores = (await (await fetch(`${service.url}/store?page_size=100`)).json()) as unknown[];
    expect(stores).toHaveLength(20);
  });

  it('replaces a worker that dies, and the service keeps answering', { timeout: 60_000 }, async () => {
    const killed = logLines(service).find((line) => line.msg === 'worker started')!.workerPid!;
    process.kill(killed, 'SIGKILL');
    await vi.waitFor(() => expect(logLines(service).filter((line) => line.msg.startsWith('Server listening at'))).toHaveLength(3), {
      timeout: 45_000,
      interval: 100,
    });
    expect(logLines(service).find((line) => line.msg === 'worker died; replacing it')).toMatchObject({ workerPid: killed });
    const before = answeredBy(service);
    for (let i = 0; i < 10; i++) expect((await onNewConnection(`${service.url}/health/live`)).status).toBe(200);
    await logged(() => {
      const now = [...answeredBy(service)].filter((worker) => !before.has(worker));
      expect(now.length, 'the new worker answers').toBe(1);
      expect(now[0]).not.toContain(`/${killed}`);
    });
  });

  it('stops every worker gracefully on SIGTERM, and the primary exits 0', { timeout: 30_000 }, async () => {
    expect(await service.stop()).toBe(0);
    const logged = logLines(service);
    const stoppedWorkers = logged.filter((line) => line.msg === 'stopped' && line.worker !== undefined);
    expect(stoppedWorkers).toHaveLength(2);
    expect([logged.at(-1)?.msg, logged.at(-1)?.worker]).toEqual(['stopped', undefined]);
  });
});

describe('WEB_CONCURRENCY', () => {
  it('makes `npm start` (src/server.ts) serve with that many workers', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase('sqlite');
    const service = await startService({ DATABASE_URL: database.url, WEB_CONCURRENCY: '2' }, { listening: 2 });
    try {
      for (let i = 0; i < 6; i++) expect((await onNewConnection(`${service.url}/health/live`)).status).toBe(200);
      await logged(() => expect(answeredBy(service).size).toBe(2));
    } finally {
      expect(await service.stop()).toBe(0);
      await database.drop();
    }
  });

  it('stops the service, exit 1, when its workers cannot start (the port is taken): no endless replacing', {
    timeout: 60_000,
  }, async () => {
    const database = await createTestDatabase('sqlite');
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as net.AddressInfo).port);
      const run = await finished(runTs('src/cli/main.ts', ['serve', '--workers', '2'], { DATABASE_URL: database.url, PORT: port }));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('a worker failed to start; stopping');
      expect(run.stderr).toMatch(/EADDRINUSE/);
      expect(run.stdout).not.toContain('replacing it');
    } finally {
      taken.close();
      await database.drop();
    }
  });

  it('refuses a worker count that is not one', async () => {
    const run = await finished(runTs('src/cli/main.ts', ['serve', '--workers', 'many'], {}));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('configuration error: --workers must be a positive integer (got "many")');
  });
});
