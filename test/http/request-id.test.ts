import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { startServer } from '../helpers/process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('X-Request-Id', () => {
  const log = capturedLogger();
  const t = useTestApp('sqlite', { logger: log.logger });

  it("answers with the caller's id when it is sane", async () => {
    for (const id of ['abc-123', 'f'.repeat(128), 'trace:00-4bf92f3577b34da6-01', '~!@#$%^&*()_+{}|:"<>?']) {
      const reply = await t.app.inject({ method: 'GET', url: '/store', headers: { 'x-request-id': id } });
      expect(reply.headers['x-request-id']).toBe(id);
    }
  });

  it('makes a new UUID when there is none, or it is not sane (too long, spaces, not ASCII), each one different', async () => {
    const ids = new Set<string>();
    for (const given of [undefined, '', 'f'.repeat(129), 'two words', 'naïve', 'tab\there']) {
      const reply = await t.app.inject({ method: 'GET', url: '/store', headers: given === undefined ? {} : { 'x-request-id': given } });
      const id = String(reply.headers['x-request-id']);
      expect(id, String(given)).toMatch(UUID);
      ids.add(id);
    }
    expect(ids.size).toBe(6);
  });

  it('is on every answer: errors, 404, 405, 401, 422, 413, a malformed URL', async () => {
    const requests = [
      { method: 'GET', url: '/nowhere' },
      { method: 'GET', url: '/store/999999' },
      { method: 'PATCH', url: '/store' },
      { method: 'POST', url: '/store', headers: { authorization: undefined }, payload: { name: 'x' } },
      { method: 'POST', url: '/store', payload: { name: '' } },
      { method: 'POST', url: '/store', payload: { name: 'x'.repeat(2 * 1024 * 1024) } },
      { method: 'GET', url: '/item/%FF' },
      { method: 'GET', url: '/docs' },
    ] as const;
    for (const [i, request] of requests.entries()) {
      const reply = await t.app.inject({
        ...request,
        headers: { ...('headers' in request ? request.headers : {}), 'x-request-id': `answer-${i}` },
      });
      expect(reply.headers['x-request-id'], `${request.method} ${request.url} → ${reply.statusCode}`).toBe(`answer-${i}`);
      if (i < 7) expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('is in every log line about the request', async () => {
    await t.app.inject({ method: 'GET', url: '/store/424242', headers: { 'x-request-id': 'follow-me' } });
    const about = log.lines.filter((line) => line.reqId === 'follow-me');
    expect(about.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    // No line about a request lacks its id.
    for (const line of log.lines.filter((l) => l.req || l.res)) expect(line.reqId).toBeDefined();
  });
});

describe('X-Request-Id of a running service', () => {
  let output: string;
  let answered: { id: string; own: string; raw: string };
  beforeAll(async () => {
    const server = await startServer({ DATABASE_URL: 'sqlite::memory:' });
    try {
      const own = (await fetch(`${server.url}/store`, { headers: { 'x-request-id': 'from-the-proxy' } })).headers.get('x-request-id')!;
      const id = (await fetch(`${server.url}/item/1`)).headers.get('x-request-id')!;
      // A request the HTTP parser refuses gets an id too.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () =>
          socket.write('GET / HTTP/1.1\r\nBad Header\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      answered = { id, own, raw };
    } finally {
      await server.stop();
      output = server.output();
    }
  });

  it('is a UUID unique to the request, and in the log lines about it', () => {
    expect(answered.own).toBe('from-the-proxy');
    expect(answered.id).toMatch(UUID);
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.reqId === answered.id).map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    expect(lines.filter((line) => line.reqId === 'from-the-proxy')).toHaveLength(2);
    expect(answered.raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(/x-request-id: (\S+)/i.exec(answered.raw)?.[1]).toMatch(UUID);
  });
});
