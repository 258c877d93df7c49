import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, stopTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/databases.js';
import { startServer } from '../helpers/process.js';

const REQUEST_TIMEOUT_MS = 1000;

/** What came back on a raw connection: its status line, headers and body, read until the server closed it. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  closed: boolean;
}

describe('answers of the HTTP layer, on a real server (SQLite)', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await stopTestApp(t);
  });

  /** Writes `parts` to a new connection (waiting `pauseMs` after each) and reads the answer. */
  function raw(parts: (string | Buffer)[], pauseMs = 0): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
        );
        const status = Number(statusLine.split(' ')[1]);
        if (!status) return reject(new Error(`no answer: ${JSON.stringify(text)}`));
        resolve({ status, headers, body: JSON.parse(body), closed: true });
      });
      void (async () => {
        for (const part of parts) {
          if (socket.destroyed) return;
          socket.write(part);
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        }
      })();
    });
  }

  const envelope = (code: number, status: string) => ({ code, status, message: expect.any(String) });

  it('answers a malformed request with 400 in the envelope and closes the connection', async () => {
    for (const request of [
      'NOT HTTP AT ALL\r\n\r\n',
      'GET /store HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /store HTTP/9.9\r\n\r\n',
    ]) {
      const answer = await raw([request]);
      expect(answer.status, request).toBe(400);
      expect(answer.body, request).toEqual(envelope(400, 'Bad Request'));
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('answers headers over the size limit with 431 in the envelope', async () => {
    const answer = await raw([`GET /store HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`]);
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual(envelope(431, 'Request Header Fields Too Large'));
  });

  it('answers headers that never finish with 408 in the envelope once the bound has passed', async () => {
    const started = Date.now();
    const answer = await raw(['GET /store HTTP/1.1\r\nHost: x\r\n']);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual(envelope(408, 'Request Timeout'));
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
  });

  it('answers a body that arrives too slowly with 408 in the envelope, and creates nothing', async () => {
    const body = JSON.stringify({ name: 'Slow store' });
    const head = `POST /store HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.admin.access}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answer = await raw([head, ...body.slice(0, 8).split('')], 400);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual(envelope(408, 'Request Timeout'));
    const stores = await t.app.inject({ method: 'GET', url: '/store' });
    expect(stores.json().map((s: { name: string }) => s.name)).not.toContain('Slow store');
  });

  it('answers router errors in the envelope: a bad escape is 400, an id longer than any id is 404', async () => {
    const badEscape = await fetch(`http://127.0.0.1:${port}/item/%FF`);
    expect(badEscape.status).toBe(400);
    expect(await badEscape.json()).toEqual(envelope(400, 'Bad Request'));
    const long = await fetch(`http://127.0.0.1:${port}/store/${'9'.repeat(500)}`);
    expect(long.status).toBe(404);
    expect(await long.json()).toEqual(envelope(404, 'Not Found'));
  });
});

describe('a body over the limit, sent to the service as its own process', () => {
  it('reaches the client as a 413 in the envelope, every time (the rest of the body is read, not reset)', async () => {
    const database = await createTestDatabase('sqlite');
    const server = await startServer({ DATABASE_URL: database.url, AUTH_RATE_LIMIT: '1000' });
    try {
      const payload = JSON.stringify({ username: 'x'.repeat(5 * 1024 * 1024), password: 'p' });
      const answers: (number | string)[] = [];
      for (let attempt = 0; attempt < 10; attempt++) {
        try {
          const response = await fetch(`${server.url}/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: payload,
          });
          expect(await response.json()).toEqual({ code: 413, status: 'Payload Too Large', message: expect.any(String) });
          answers.push(response.status);
        } catch (error) {
          answers.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        }
      }
      expect(answers).toEqual(Array(10).fill(413));

      // With no Content-Length (a chunked body) the limit is found while reading, and the answer still arrives.
      const chunked = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024 * 1024)));
          controller.close();
        },
      });
      const response = await fetch(`${server.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
