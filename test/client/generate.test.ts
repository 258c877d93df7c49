import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { clientTypes, servedDocument, TYPES_FILE } from '../../client/generate.js';

describe('the generated client types', () => {
  it('are those of the document the app serves now (run `npm run build` after changing a route schema)', async () => {
    const document = await servedDocument();
    expect(document.paths?.['/me']).toBeDefined();
    const current = await clientTypes(document);
    expect(current).toContain('export interface paths');
    // The typed test suites and the console are checked against this file: a stale one would check nothing.
    expect(await readFile(TYPES_FILE, 'utf8'), 'client/openapi.d.ts is stale: run `npm run build`').toBe(current);
  });
});
