import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

/** A console build as Vite leaves it: the page, and assets named by their content's hash. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'junction-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><script type="module" src="/assets/index-AbCd1234.js"></script>${' '.repeat(500)}`,
  );
  writeFileSync(path.join(dir, 'assets/index-AbCd1234.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
  writeFileSync(path.join(dir, 'assets/index-EfGh5678.css'), 'body { margin: 0 }');
  return dir;
}

const NOT_FOUND = (message: string) => ({ code: 404, status: 'Not Found', message });

describe('the web console as served', () => {
  const dir = fakeBuild();
  const t = useTestApp('sqlite', { consoleDir: dir });
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  it('serves the page at / under its own policy: scripts and styles of this origin only, nothing inline', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('/assets/index-AbCd1234.js');
    const policy = String(page.headers['content-security-policy']);
    expect(policy.split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('has the page revalidated (no-cache, ETag, 304) and the hashed assets cached for a year, immutable', async () => {
    const page = await get('/');
    expect(page.headers['cache-control']).toBe('no-cache');
    const etag = String(page.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/', { 'if-none-match': `W/${etag}, "other"` })).statusCode).toBe(304);
    expect((await get('/', { 'if-none-match': '"other"' })).statusCode).toBe(200);

    const script = await get('/assets/index-AbCd1234.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/index-EfGh5678.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends gzip to clients that take it, and the same bytes otherwise', async () => {
    const plain = await get('/assets/index-AbCd1234.js');
    const zipped = await get('/assets/index-AbCd1234.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('swallows no other path: unknown routes and assets stay 404s in the envelope, the API keeps its headers', async () => {
    for (const url of ['/index.html', '/stores', '/assets/nothing.js', '/assets/..%2Findex.html', '/assets/']) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json(), url).toMatchObject({ code: 404, status: 'Not Found' });
    }
    const api = await get('/store');
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('answers HEAD as GET without a body, and is not part of the API document', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const paths = Object.keys((await get('/openapi.json')).json<{ paths: object }>().paths);
    expect(paths.filter((p) => p === '/' || p.startsWith('/assets'))).toEqual([]);
  });
});

describe('the web console before it is built', () => {
  const t = useTestApp('sqlite', { consoleDir: mkdtempSync(path.join(os.tmpdir(), 'junction-no-console-')) });

  it('says at / how to build it, in the envelope', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual(NOT_FOUND('The web console is not built: run `npm run build`.'));
  });
});
