import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sqlite } from '../../src/database/sqlite-driver.js';
import { ROOT } from '../helpers/process.js';

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

  it('is the only way the code loads better-sqlite3 (a direct import is 13, which crashes Node 20)', () => {
    const offenders = ['src', 'test', 'bench', 'client', 'console/src']
      .flatMap((folder) =>
        fs.readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((file) => path.join(folder, file)),
      )
      .filter((file) => /\.tsx?$/.test(file) && file !== path.join('src', 'database', 'sqlite-driver.ts'))
      .filter((file) => /^import (?!type )[^;]*from 'better-sqlite3'/m.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders, "import { Sqlite } from 'src/database/sqlite-driver.js' instead").toEqual([]);
  });
});
