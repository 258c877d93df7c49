import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Sqlite } from '../../src/database/sqlite-driver.js';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

describe('the SQLite driver', () => {
  it(`is the better-sqlite3 that runs on Node ${major}: 13 from Node 22 on, 12 on Node 20`, () => {
    const name = major >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';
    expect(Sqlite).toBe(require(name));
    const version = (require(`${name}/package.json`) as { version: string }).version;
    expect(Number(version.split('.')[0])).toBe(major >= 22 ? 13 : 12);
    const db = new Sqlite(':memory:');
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
  });
});
