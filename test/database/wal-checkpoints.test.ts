import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/database/connection.js';

/** About 2 MB in one statement: fewer WAL pages than SQLite's default automatic checkpoint (1,000). */
const TWO_MB = sql`WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)
  INSERT INTO filler (data) SELECT randomblob(1000) FROM c`;

describe('WAL checkpoints of a SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-checkpoints-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copy committed writes into the database file off the event loop, without a COMMIT doing it', async () => {
    const file = path.join(dir, 'copied.db');
    const database = openDatabase({ kind: 'sqlite', path: file });
    try {
      await sql`CREATE TABLE filler (data BLOB)`.execute(database.db);
      const before = fs.statSync(file).size;
      await TWO_MB.execute(database.db);
      // The writer's COMMIT did not checkpoint (the WAL is under any automatic threshold): the worker does.
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);
      await vi.waitFor(() => expect(fs.statSync(file).size - before).toBeGreaterThan(2_000_000), { timeout: 5000, interval: 50 });
    } finally {
      await database.close();
    }
  });

  it('leave every committed write in the file when the database closes', async () => {
    const file = path.join(dir, 'closed.db');
    const database = openDatabase({ kind: 'sqlite', path: file });
    await sql`CREATE TABLE filler (data BLOB)`.execute(database.db);
    await TWO_MB.execute(database.db);
    await database.close();
    const reopened = openDatabase({ kind: 'sqlite', path: file });
    try {
      const [row] = (await sql<{ n: number }>`SELECT count(*) AS n FROM filler`.execute(reopened.db)).rows;
      expect(row?.n).toBe(2000);
    } finally {
      await reopened.close();
    }
  });
});
