import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

/** A process that opens the files it is sent, each as the service does, and answers one line per file. */
function opener() {
  const script = path.join(ROOT, 'test/database/fixtures/open-on-signal.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const open = (file: string) => {
    child.stdin.write(`${file}\n`);
    return next();
  };
  return { child, next, open };
}

describe('a new SQLite file opened by several processes at the same moment', () => {
  let root: string;
  let openers: ReturnType<typeof opener>[];
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-open-'));
    openers = Array.from({ length: 4 }, opener);
    for (const each of openers) expect(await each.next()).toBe('ready');
  }, 30_000);
  afterAll(() => {
    for (const each of openers) each.child.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });

  // Two processes switching a new file to WAL at once each wait for the other's lock; SQLite fails one
  // at once (its busy handler would deadlock). Instances and workers starting together do this.
  it('opens in WAL mode in every one of them, none failing with "database is locked"', async () => {
    for (let round = 0; round < 8; round++) {
      const file = path.join(root, `round-${round}.db`);
      fs.writeFileSync(file, '');
      expect(await Promise.all(openers.map((each) => each.open(file)))).toEqual(['wal', 'wal', 'wal', 'wal']);
    }
  });
});
