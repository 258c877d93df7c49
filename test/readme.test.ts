import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, startServer } from './helpers/process.js';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first shell block of a README section. */
function firstShellBlock(heading: string): string {
  const section = README.slice(README.indexOf(`\n## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no sh block under "${heading}"`);
  return block;
}

describe('the README', () => {
  it("first curl example works as written on a new service: sign up, sign in, then every write with the token", async () => {
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
