import { expect } from 'vitest';
import type { App } from '../../src/http/app-types.js';

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/**
 * One request through the app, its JSON body parsed. It goes as the test app's admin unless `token`
 * names another access token, or is `null` for none.
 */
export async function call(
  app: App,
  method: string,
  url: string,
  payload?: unknown,
  { token }: { token?: string | null } = {},
): Promise<Reply> {
  const headers = token === undefined ? {} : { authorization: token === null ? undefined : `Bearer ${token}` };
  const response = await app.inject({ method: method as 'GET', url, payload: payload as object, headers });
  const text = response.body;
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Like `call`, and fails the test unless the status is `expected`. */
export async function expectStatus(app: App, expected: number, method: string, url: string, payload?: unknown) {
  const reply = await call(app, method, url, payload);
  expect(reply.status, `${method} ${url} → ${JSON.stringify(reply.body)}`).toBe(expected);
  return reply.body;
}

export async function makeStore(app: App, name: string) {
  return expectStatus(app, 201, 'POST', '/store', { name });
}
export async function makeItem(app: App, storeId: number, name: string, price = 1.5) {
  return expectStatus(app, 201, 'POST', '/item', { name, price, store_id: storeId });
}
export async function makeTag(app: App, storeId: number, name: string) {
  return expectStatus(app, 201, 'POST', `/store/${storeId}/tag`, { name });
}
export async function makeTeam(app: App, name: string, headquarters = `${name} HQ`, extra: object = {}) {
  return expectStatus(app, 201, 'POST', '/teams', { name, headquarters, ...extra });
}
export async function makeHero(app: App, name: string, secretName = `${name} (secret)`, extra: object = {}) {
  return expectStatus(app, 201, 'POST', '/heroes', { name, secret_name: secretName, ...extra });
}

/** A request whose body is exactly `text`, sent as JSON (for bodies `call` cannot send, such as `null`). */
export async function sendRaw(app: App, method: string, url: string, text: string) {
  const response = await app.inject({
    method: method as 'POST',
    url,
    payload: text,
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}
