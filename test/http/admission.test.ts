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
    expect(response.json()).toEqual({ code: 503, status: 'Service Unavailable', message: expect.any(String) });
  };

  it('runs a class up to its concurrency, queues a few, refuses the rest at once; free routes are never held back', async () => {
    const { admission, gates, started } = await build({});
    const first = app.inject('/list');
    await vi.waitFor(() => expect(started()).toBe(1));
    const queued = app.inject('/list');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refusedAt = Date.now();
    expect503(await app.inject('/list'));
    expect(Date.now() - refusedAt).toBeLessThan(100);
    expect(admission.shedding()).toBe(true);
    expect((await app.inject('/health')).statusCode).toBe(200);

    gates[0]!.open();
    expect((await first).statusCode).toBe(200);
    await vi.waitFor(() => expect(started()).toBe(2));
    gates[1]!.open();
    expect((await queued).statusCode).toBe(200);
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
});
