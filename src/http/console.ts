import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './http-error.js';

/** Where `npm run build` puts the console (Vite's output): the same folder from src/http and dist/http. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** Vite names every asset by a hash of its content, so an asset's URL never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page names the assets of the current build: a browser asks each time whether it changed. */
const REVALIDATE = 'no-cache';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg']);

interface StaticFile {
  body: Buffer;
  /** The body gzipped, when that is smaller. */
  gzipped?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

function load(file: string, cacheControl: string): StaticFile {
  const body = readFileSync(file);
  const extension = path.extname(file);
  const gzipped = COMPRESSIBLE.has(extension) ? gzipSync(body, { level: 9 }) : undefined;
  return {
    body,
    gzipped: gzipped && gzipped.length < body.length ? gzipped : undefined,
    type: TYPES[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    cacheControl,
  };
}

/** A comma-separated entity-tag list (RFC 9110 §13.1.2) names `etag`, or is `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.header('cache-control', file.cacheControl).header('etag', file.etag).header('vary', 'accept-encoding');
  if (matches(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  reply.type(file.type);
  if (file.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(file.gzipped);
  }
  return reply.send(file.body);
}

/**
 * The web console at `GET /` and its assets at `GET /assets/…`, read once at start and kept in memory
 * (a few files, each gzipped once). It routes on the URL's fragment, so no other path is the console's:
 * every other URL stays the API's, and an unknown one is still a 404 in the envelope. Without a build
 * (`npm run build`), `GET /` says so in the envelope.
 */
export function webConsole(app: FastifyInstance, { dir = CONSOLE_DIR }: { dir?: string } = {}): void {
  const built = existsSync(path.join(dir, 'index.html'));
  const page = built ? load(path.join(dir, 'index.html'), REVALIDATE) : undefined;
  const assetsDir = path.join(dir, 'assets');
  const assets = new Map(
    built && existsSync(assetsDir)
      ? readdirSync(assetsDir).map((name) => [name, load(path.join(assetsDir, name), IMMUTABLE)] as const)
      : [],
  );

  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (request, reply) => {
    if (!page) throw notFound('The web console is not built: run `npm run build`.');
    return send(request, reply, page);
  });
  app.get<{ Params: { name: string } }>('/assets/:name', hidden, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) throw notFound(`No route GET ${request.url.split('?')[0]}.`);
    return send(request, reply, asset);
  });
}
