import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { finished, runTs, startServer } from './helpers/process.js';

describe.each(BACKENDS)('the service as a process on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('creates its tables on first start, keeps data across a restart, and stops cleanly on SIGTERM', async () => {
    const first = await startServer({ DATABASE_URL: testDatabase.url });
    const created = await fetch(`${first.url}/store`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await first.adminToken()}` },
      body: JSON.stringify({ name: 'Survivor' }),
    });
    expect(created.status).toBe(201);
    const store = await created.json();
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped');

    const second = await startServer({ DATABASE_URL: testDatabase.url });
    try {
      const read = await fetch(`${second.url}/store/${store.id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual({ id: store.id, name: 'Survivor', items: [], tags: [] });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('finishes a request that is in flight when SIGTERM arrives', async () => {
    const server = await startServer({ DATABASE_URL: testDatabase.url });
    const body = JSON.stringify({ name: 'Half-sent' });
    const token = await server.adminToken();
    const request = http.request(`${server.url}/store`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    const response = new Promise<number | undefined>((resolve, reject) => {
      request.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      request.on('error', reject);
    });
    // Half the body is sent, so the request has begun when the signal arrives; the rest follows after.
    request.write(body.slice(0, 5));
    await delay(300);
    const stopped = server.stop();
    await delay(300);
    request.end(body.slice(5));
    expect(await response).toBe(201);
    expect(await stopped).toBe(0);
  });

  it('stops under load: in-flight requests answered (200, or 503 in the envelope for what waited), exit 0 within the grace', async () => {
    const seeded = await createTestDatabase(backend);
    const seed = [
      '--stores',
      '20',
      '--items',
      '4000',
      '--tags-per-store',
      '10',
      '--links-per-item',
      '3',
      '--heroes',
      '10',
      '--teams',
      '5',
      '--hero-links',
      '1',
    ];
    expect((await finished(runTs('src/cli/main.ts', ['seed', ...seed], { DATABASE_URL: seeded.url }))).code).toBe(0);
    const server = await startServer({ DATABASE_URL: seeded.url });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
      const answers: number[] = [];
      const failures: string[] = [];
      let running = true;
      const get = (path: string) =>
        new Promise<void>((resolve) => {
          const request = http.get(`${server.url}${path}`, { agent }, (response) => {
            let text = '';
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => {
              answers.push(response.statusCode ?? 0);
              if (response.statusCode === 503) expect(JSON.parse(text)).toMatchObject({ code: 503, status: 'Service Unavailable' });
              resolve();
            });
          });
          request.on('error', (error: NodeJS.ErrnoException) => {
            failures.push(error.code ?? error.message);
            running = false;
            resolve();
          });
        });
      const loops = Array.from({ length: 40 }, async (_, i) => {
        while (running) await get(i % 4 === 0 ? '/store/1' : '/store?page_size=20');
      });
      await delay(1500);
      const signalled = Date.now();
      const exitCode = await server.stop();
      running = false;
      await Promise.all(loops);
      agent.destroy();
      expect(
        exitCode,
        server
          .output()
          .split('\n')
          .filter((line) => !line.includes('"level":30'))
          .slice(-5)
          .join('\n'),
      ).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(answers.filter((status) => status === 200).length).toBeGreaterThan(0);
      expect(answers.filter((status) => status !== 200 && status !== 503)).toEqual([]);
      // After the last answer, a new connection finds nobody listening.
      for (const failure of failures) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(failure);
    } finally {
      await server.stop();
      await seeded.drop();
    }
  });

  it('logs every SQL statement with its parameters when LOG_SQL=1', async () => {
    const server = await startServer({ DATABASE_URL: testDatabase.url, LOG_SQL: '1' });
    try {
      await fetch(`${server.url}/store/424242`);
      const logged = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"sql"'))
          .map((line) => JSON.parse(line))
          .find((entry) => entry.parameters?.includes(424242));
      await vi.waitFor(() => expect(logged()).toBeDefined());
      expect(logged().sql).toMatch(/from "stores"/i);
    } finally {
      await server.stop();
    }
  });
});

describe('start-up with bad configuration', () => {
  it('stops with a clear message and a non-zero exit code', async () => {
    await expect(startServer({ DATABASE_URL: 'mysql://somewhere/db' })).rejects.toThrow(/exited with 1[\s\S]*DATABASE_URL must be/);
  });
});
