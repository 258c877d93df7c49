import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from '../src/heap-growth.js';
import { ROOT } from './helpers/process.js';

const peakHeapMB = (mode: 'bound' | 'free') =>
  Number(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fixtures', 'promoted-garbage.ts'), mode], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  );

describe('boundHeapGrowth', () => {
  it('keeps a heap that promotes garbage far smaller than V8 lets it grow by itself', () => {
    const free = peakHeapMB('free');
    const bound = peakHeapMB('bound');
    // About 460 MB against 240 MB here: the old generation is collected long before it doubles.
    expect(bound).toBeLessThan(free * 0.7);
  });

  it("leaves the heap alone when the operator's Node flags choose its growth", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=200'])).toBe(false);
    expect(boundHeapGrowth(['--max-old-space-size=512 --heap_growing_percent=80'])).toBe(false);
  });
});
