import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/databases.js';
import { ROOT, startServer } from './helpers/process.js';
import { call, makeHero, makeItem, makeStore, makeTag, makeTeam } from './helpers/requests.js';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first shell block of a README section. */
function firstShellBlock(heading: string): string {
  const section = README.slice(README.indexOf(`\n## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no sh block under "${heading}"`);
  return block;
}

describe('the README', () => {
  it('first curl example works as written on a new service: sign up, sign in, then every write with the token', async () => {
    const block = firstShellBlock('The API at a glance');
    expect(block).toMatch(/\/register/);
    const server = await startServer({ DATABASE_URL: 'sqlite::memory:' });
    try {
      const script = block.replaceAll('localhost:8000', new URL(server.url).host);
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT });
      expect(stdout).toContain('{"message":"User created successfully."}');
      expect(stdout).toContain('"name":"Corner shop"');
      expect(stdout).toContain('"name":"Chair","price":20');
      expect(stdout).toContain('"name":"furniture"');
      expect(stdout).toMatch(/^x-pagination: \{"total":1,/im);
      expect(stdout, 'an error answer').not.toMatch(/"code":[45]\d\d/);
    } finally {
      await server.stop();
    }
  });

  it('links only to files that are in the repository', () => {
    for (const [, target] of README.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
      if (/^https?:/.test(target!)) continue;
      expect(fs.existsSync(path.join(ROOT, target!)), target).toBe(true);
    }
  });
});

/** The README's table of what each request costs: `request` → statements. */
function statedCosts(): Map<string, number> {
  const section = README.slice(README.indexOf('\n### What each request costs\n'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| request |')));
  return new Map([...table.matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)].map(([, request, count]) => [request!, Number(count)]));
}

describe.each(BACKENDS)('the README’s statement costs, on %s', (backend) => {
  const t = useTestApp(backend);

  it('are what each request runs, besides its token check', async () => {
    const store = await makeStore(t.app, `costs ${randomUUID()}`);
    const item = await makeItem(t.app, store.id, 'costed');
    const tag = await makeTag(t.app, store.id, 'costed');
    const other = await makeTag(t.app, store.id, 'other');
    const hero = await makeHero(t.app, 'Costed');
    const team = await makeTeam(t.app, `Costed ${randomUUID()}`);
    const requests: Array<[string, string, string, object?]> = [
      ['GET /item/{id}', 'GET', `/item/${item.id}`],
      ['GET /item', 'GET', '/item?page_size=5'],
      ['POST /store', 'POST', '/store', { name: `costs ${randomUUID()}` }],
      ['POST /item', 'POST', '/item', { name: 'new', price: 1, store_id: store.id }],
      ['PUT /item/{id}', 'PUT', `/item/${item.id}`, { price: 2 }],
      ['POST /store/{id}/tag', 'POST', `/store/${store.id}/tag`, { name: 'new' }],
      ['POST /item/{item_id}/tag/{tag_id}', 'POST', `/item/${item.id}/tag/${tag.id}`],
      ['DELETE /item/{item_id}/tag/{tag_id}', 'DELETE', `/item/${item.id}/tag/${tag.id}`],
      ['POST /heroes/{hero_id}/teams/{team_id}', 'POST', `/heroes/${hero.id}/teams/${team.id}`, {}],
      ['PATCH /heroes/{hero_id}/teams/{team_id}', 'PATCH', `/heroes/${hero.id}/teams/${team.id}`, { is_training: true }],
      ['DELETE /heroes/{hero_id}/teams/{team_id}', 'DELETE', `/heroes/${hero.id}/teams/${team.id}`],
      ['PUT /item/{id}/tag', 'PUT', `/item/${item.id}/tag`, { tag_ids: [tag.id, other.id] }],
    ];
    const stated = statedCosts();
    expect([...stated.keys()].sort()).toEqual(requests.map(([name]) => name).sort());
    for (const [name, method, url, body] of requests) {
      const before = t.statements();
      const reply = await call(t.app, method, url, body);
      expect(reply.status, `${name} → ${JSON.stringify(reply.body)}`).toBeLessThan(300);
      const ran = t.statements() - before - (method === 'GET' ? 0 : 1);
      expect.soft(ran, name).toBe(stated.get(name));
    }
  });
});
