import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadWorkers } from '../../src/database/read-workers.js';
import { unavailable } from '../../src/database/unavailable.js';
import { longestStall } from '../helpers/event-loop.js';

/** A SELECT that keeps SQLite busy for a good fraction of a second. */
const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c';

describe('read workers', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-read-workers-'));
    file = path.join(dir, 'catalog.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b')");
    db.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('run SELECTs with their parameters and answer the rows', async () => {
    const pool = openReadWorkers(file, 2);
    try {
      expect(await pool.read('SELECT name FROM t WHERE id = ?', [2])).toEqual([{ name: 'b' }]);
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.read('SELECT ? AS i', [i])));
      expect(many.map((rows) => (rows[0] as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await pool.close();
    }
  });

  it('run a long read off the main thread: the event loop goes on meanwhile', async () => {
    const pool = openReadWorkers(file, 1);
    try {
      await pool.read('SELECT 1', []);
      const onThisThread = await longestStall(async () => new BetterSqlite3(file, { readonly: true }).prepare(SLOW).get());
      const onAWorker = await longestStall(() => pool.read(SLOW, []));
      expect(onThisThread).toBeGreaterThan(100);
      expect(onAWorker).toBeLessThan(onThisThread / 4);
    } finally {
      await pool.close();
    }
  });

  it('pass on SQLite errors with their codes, so a busy file is still told apart', async () => {
    const pool = openReadWorkers(file, 1);
    try {
      const error = await pool.read('SELECT * FROM nowhere', []).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: expect.stringContaining('no such table'), code: 'SQLITE_ERROR' });
      expect(unavailable(error)).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('answer 503 for the reads of a worker that dies, and start a new one for the next read', async () => {
    // A worker that answers every read but one, at which its thread ends, as a crash would end it.
    let started = 0;
    const fragile = () => {
      started++;
      return new Worker(
        `const { parentPort } = require('node:worker_threads');
         parentPort.on('message', ({ id, sql }) => sql === 'CRASH' ? process.exit(3) : parentPort.postMessage({ id, rows: [{ sql }] }));`,
        { eval: true },
      );
    };
    const pool = openReadWorkers(file, 1, fragile);
    try {
      expect(await pool.read('first', [])).toEqual([{ sql: 'first' }]);
      const [lost, queued] = [pool.read('CRASH', []), pool.read('behind it', [])].map((read) => read.catch((e: unknown) => e));
      expect(unavailable(await lost)).toBe(true);
      expect(unavailable(await queued)).toBe(true);
      expect(await pool.read('after', [])).toEqual([{ sql: 'after' }]);
      expect(started).toBe(2);
    } finally {
      await pool.close();
    }
    await expect(pool.read('SELECT 1', [])).rejects.toSatisfy(unavailable);
  });
});
