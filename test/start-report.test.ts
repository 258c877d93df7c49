import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDatabase, startReport } from '../src/start-report.js';
import { VERSION } from '../src/version.js';
import { BACKENDS, createTestDatabase } from './helpers/databases.js';
import { ROOT, startServer } from './helpers/process.js';

/** The start line of a service's output. */
const startLine = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((line) => String(line.msg).startsWith('junction '));

describe('describeDatabase', () => {
  it('gives the SQLite file as a full path', () => {
    expect(describeDatabase({ kind: 'sqlite', path: 'data/junction.db' })).toEqual({
      kind: 'sqlite',
      file: path.resolve('data/junction.db'),
    });
  });

  it('gives the PostgreSQL server, database and user, never the password', () => {
    const described = describeDatabase({ kind: 'postgres', url: 'postgres://shop:hunter2@db.internal:6543/junction?sslmode=require' });
    expect(described).toEqual({ kind: 'postgres', host: 'db.internal', port: 6543, database: 'junction', user: 'shop' });
    expect(
      JSON.stringify(
        startReport({
          version: '1.2.3',
          database: { kind: 'postgres', url: 'postgres://shop:hunter2@db.internal/junction' },
          applied: [],
          secret: { kind: 'environment' },
        }),
      ),
    ).not.toContain('hunter2');
    expect(describeDatabase({ kind: 'postgres', url: 'postgresql:///junction?host=/var/run/postgresql' })).toMatchObject({
      host: '/var/run/postgresql',
      port: 5432,
      database: 'junction',
    });
  });
});

describe('startReport', () => {
  it('says how many workers serve when the primary of --workers reports', () => {
    const report = startReport({
      version: '1.2.3',
      database: { kind: 'sqlite', path: ':memory:' },
      applied: ['001_stores_items_tags'],
      secret: { kind: 'environment' },
      workers: 4,
    });
    expect(report.fields).toMatchObject({ workers: 4, migrationsApplied: ['001_stores_items_tags'] });
    expect(report.message).toBe(
      'junction 1.2.3: data in SQLite :memory:; applied migrations 001_stores_items_tags; JWT secret from JWT_SECRET; 4 workers',
    );
  });
});

describe('the start log line', () => {
  it('says the version, where the SQLite file is, which migrations ran, and that the secret was generated and where it is kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-start-'));
    try {
      const env = { DATA_DIR: dataDir, DATABASE_URL: '', JWT_SECRET: '' };
      const first = await startServer(env);
      await first.stop();
      const line = startLine(first.output());
      const file = path.join(dataDir, 'junction.db');
      const secret = path.join(dataDir, 'jwt-secret');
      expect(line.version).toBe(VERSION);
      expect(line.database).toEqual({ kind: 'sqlite', file });
      expect(line.migrationsApplied).toEqual(expect.arrayContaining(['001_stores_items_tags', '002_heroes_teams']));
      expect(line.jwtSecret).toEqual({ file: secret, generated: true });
      expect(line.msg).toContain(`junction ${VERSION}: data in SQLite ${file}; applied migrations 001_stores_items_tags, `);
      expect(line.msg).toContain(`JWT secret generated now, kept in ${secret} (owner-only)`);
      expect(line).not.toHaveProperty('workers');

      const second = await startServer(env);
      await second.stop();
      const again = startLine(second.output());
      expect(again.migrationsApplied).toEqual([]);
      expect(again.msg).toContain('no migration to apply');
      expect(again.jwtSecret).toEqual({ file: secret, generated: false });
      expect(again.msg).toContain(`JWT secret kept in ${secret} (owner-only)`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(BACKENDS.includes('postgres'))('on PostgreSQL names the server and database, not the password, and JWT_SECRET', async () => {
    const testDatabase = await createTestDatabase('postgres');
    try {
      const url = new URL(testDatabase.url);
      url.password = 'never-shown';
      const server = await startServer({ DATABASE_URL: url.href, PGPASSWORD: '' });
      await server.stop();
      const line = startLine(server.output());
      expect(line, server.output()).toBeDefined();
      expect(line.database).toMatchObject({ kind: 'postgres', host: url.hostname, database: url.pathname.slice(1) });
      expect(line.jwtSecret).toBe('JWT_SECRET');
      expect(server.output()).not.toContain('never-shown');
    } finally {
      await testDatabase.drop();
    }
  });
});

describe('junction --version', () => {
  it("prints the package's version", async () => {
    const { execFile } = await import('node:child_process');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), '--version'], { cwd: ROOT }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    expect(stdout.trim()).toBe(VERSION);
  });
});
