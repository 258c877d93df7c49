import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Sqlite as BetterSqlite3 } from '../../src/database/sqlite-driver.js';
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

  it('run a page and its count in one round trip: each result in order, the page as JSON bytes', async () => {
    const pool = openReadWorkers(file, 1);
    try {
      const [page, count] = await pool.readAll([
        {
          sql: "SELECT json_object('name', name) AS body FROM t UNION ALL SELECT json_object('name', ?) ORDER BY 1",
          parameters: ['ä😀'],
          jsonArray: true,
        },
        { sql: 'SELECT count(*) AS total FROM t WHERE id >= ?', parameters: [1] },
      ]);
      expect(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(page as Uint8Array))).toEqual([
        { name: 'a' },
        { name: 'b' },
        { name: 'ä😀' },
      ]);
      expect(count).toEqual([{ total: 2 }]);
      const [empty] = await pool.readAll([{ sql: 'SELECT name AS body FROM t WHERE id < 0', parameters: [], jsonArray: true }]);
      expect(new TextDecoder().decode(empty as Uint8Array)).toBe('[]');
      const failed = pool.readAll([
        { sql: 'SELECT 1', parameters: [] },
        { sql: 'SELECT * FROM nowhere', parameters: [] },
      ]);
      await expect(failed).rejects.toThrow(/no such table/);
    } finally {
      await pool.close();
    }
  });

  it('answer reads asked in a burst, each seeing every write committed before it was asked, one failing alone', async () => {
    const writer = new BetterSqlite3(file);
    writer.exec('CREATE TABLE burst (id INTEGER PRIMARY KEY)');
    const pool = openReadWorkers(file, 1);
    try {
      await pool.read('SELECT 1', []);
      // Each read is asked right after its write; they queue up while the worker answers the first ones.
      const reads = Array.from({ length: 200 }, (_, i) => {
        writer.prepare('INSERT INTO burst (id) VALUES (?)').run(i + 1);
        return i === 100
          ? pool.read('SELECT * FROM nowhere', []).catch((e: unknown) => e)
          : pool.read('SELECT max(id) AS seen FROM burst', []);
      });
      const answers = await Promise.all(reads);
      expect(answers[100]).toMatchObject({ message: expect.stringContaining('no such table') });
      const seen = answers.map((rows, i) => (i === 100 ? i + 1 : (rows as { seen: number }[])[0]!.seen));
      expect(seen.every((value, i) => value >= i + 1)).toBe(true);
    } finally {
      await pool.close();
      writer.close();
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
         parentPort.on('message', ({ id, reads: [{ sql }] }) => sql === 'CRASH' ? process.exit(3) : parentPort.postMessage({ id, results: [[{ sql }]] }));`,
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
