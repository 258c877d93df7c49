import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admissionControl, type AdmissionLimits } from '../../src/http/admission.js';
import { errorHandling } from '../../src/http/error-handler.js';

const LIST_QUERY = Type.Object({ page_size: Type.Optional(Type.Integer()) });

/** A deferred the test resolves: a list handler holds its turn until then. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('admission control', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  /** An app whose list route waits on `release` (each call takes the next gate), with a free /health. */
  async function build(limits: Partial<AdmissionLimits['list']>) {
    app = Fastify();
    errorHandling(app);
    const admission = admissionControl(app, {
      list: { concurrency: 1, queue: 1, waitMs: 300, ...limits },
      other: { concurrency: 100, queue: 0, waitMs: 0 },
    });
    const gates: ReturnType<typeof gate>[] = [];
    let started = 0;
    app.get('/list', { schema: { querystring: LIST_QUERY } }, async () => {
      started++;
      const next = gate();
      gates.push(next);
      await next.opened;
      return { ok: true };
    });
    app.get('/health', { config: { cost: 'free' } }, async () => ({ status: 'ok' }));
    await app.ready();
    return { admission, gates, started: () => started };
  }

  const expect503 = (response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers.connection).toBe('close');
    expect(response.json()).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
  };

  it('runs a class up to its concurrency, queues a few, refuses the rest at once; free routes are never held back', async () => {
    // The wait is long, so a refusal that comes while the turn is still held was not a wait that ran out.
    const { admission, gates, started } = await build({ waitMs: 10_000 });
    const first = app.inject('/list');
    await vi.waitFor(() => expect(started()).toBe(1));
    const queued = app.inject('/list');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect503(await app.inject('/list'));
    expect(admission.shedding()).toBe(true);
    expect((await app.inject('/health')).statusCode).toBe(200);

    gates[0]!.open();
    expect((await first).statusCode).toBe(200);
    await vi.waitFor(() => expect(started()).toBe(2));
    gates[1]!.open();
    expect((await queued).statusCode).toBe(200);
  });

  it('closes the connection of a refusal, so that a client retrying at once must connect again', async () => {
    const { gates, started } = await build({ queue: 0 });
    const first = app.inject('/list');
    await vi.waitFor(() => expect(started()).toBe(1));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ status: number; socket: Socket }>((resolve, reject) => {
        http
          .get({ port, host: '127.0.0.1', path, agent }, (response) => {
            const socket = response.socket;
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode!, socket }));
          })
          .on('error', reject);
      });
    const served = await get('/health');
    const refused = await get('/list');
    // The cheap answer kept its connection for the next request; the refusal ended it.
    expect(served.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(refused.socket).toBe(served.socket);
    await vi.waitFor(() => expect(refused.socket.destroyed).toBe(true));
    agent.destroy();
    gates[0]!.open();
    expect((await first).statusCode).toBe(200);
  });

  it('runs one fewer at once while turns are heavy, so that a core stays for cheap requests', async () => {
    const { gates, started } = await build({ concurrency: 2, queue: 10, waitMs: 10_000 });
    /** Sends two lists at once and answers how many of them started before either turn was given back. */
    const pair = async (holdMs: number) => {
      const before = started();
      const answers = [app.inject('/list'), app.inject('/list')];
      const soon = { interval: 1 };
      await vi.waitFor(() => expect(started()).toBeGreaterThan(before), soon);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const together = started() - before;
      for (let i = before; i < before + 2; i++) {
        await vi.waitFor(() => expect(gates[i]).toBeDefined(), soon);
        setTimeout(() => gates[i]!.open(), holdMs);
      }
      for (const answer of answers) expect((await answer).statusCode).toBe(200);
      return together;
    };
    // Before any turn was timed, turns are taken to be heavy: one at a time.
    expect(await pair(0)).toBe(1);
    // Quick turns: both at once.
    for (let i = 0; i < 5; i++) await pair(0);
    expect(await pair(0)).toBe(2);
    // Heavy turns again: one at a time.
    for (let i = 0; i < 4; i++) await pair(150);
    expect(await pair(0)).toBe(1);
  });

  it('refuses a queued request whose wait ran out, and runs nothing for it', async () => {
    const { gates, started } = await build({ waitMs: 100 });
    const first = app.inject('/list');
    await vi.waitFor(() => expect(started()).toBe(1));
    expect503(await app.inject('/list'));
    gates[0]!.open();
    await first;
    expect(started()).toBe(1);
  });

  it('refuses what waits when the service stops, so the stop does not wait for it', async () => {
    const { gates, started } = await build({ waitMs: 10_000 });
    const first = app.inject('/list');
    await vi.waitFor(() => expect(started()).toBe(1));
    const queued = app.inject('/list');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = app.close();
    expect503(await queued);
    gates[0]!.open();
    expect((await first).statusCode).toBe(200);
    await closing;
    expect(started()).toBe(1);
  });

  it('queues as many as can have their turn within the wait: many cheap lists, few slow ones', async () => {
    const { gates, started } = await build({ queue: 100, waitMs: 1000 });
    /** Opens every gate, again and again, until all of `pending` are answered. */
    const drain = async (pending: Promise<unknown>[]) => {
      let done = false;
      const all = Promise.all(pending).then(() => {
        done = true;
      });
      while (!done) {
        for (const g of gates) g.open();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await all;
    };
    /** Sends `count` lists while one holds the turn; answers how many were refused before any turn was given back. */
    const burst = async (count: number) => {
      const before = started();
      const holder = app.inject('/list');
      await vi.waitFor(() => expect(started()).toBe(before + 1));
      let refused = 0;
      const sent = Array.from({ length: count }, () =>
        app.inject('/list').then((response) => {
          if (response.statusCode === 503) refused++;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const early = refused;
      await drain([holder, ...sent]);
      return early;
    };
    // Before any turn was timed, a turn is taken to last 100 ms: 10 may wait for the one under way, the rest are refused.
    expect(await burst(20)).toBe(10);
    // Turns so far took next to no time: now all 20 may wait.
    expect(await burst(20)).toBe(0);
    // Five turns of 250 ms each: now a second's wait holds about four, and the rest are refused at once.
    for (let i = 0; i < 5; i++) {
      const before = started();
      const slow = app.inject('/list');
      await vi.waitFor(() => expect(started()).toBe(before + 1));
      setTimeout(() => gates[before]!.open(), 250);
      expect((await slow).statusCode).toBe(200);
    }
    expect(await burst(20)).toBeGreaterThanOrEqual(10);
  });
});
