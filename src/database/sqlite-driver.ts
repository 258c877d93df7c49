import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

/**
 * better-sqlite3 for the Node.js that runs: version 13 (Node-API, a prebuilt binary) on Node 22 and
 * later, where version 12 aborts the process when the garbage collector frees one of its statements
 * (Node 24 changed the `ObjectWrap` it is built on); version 12 (`better-sqlite3-node20`, an optional
 * dependency built on install) on Node 20, where 13 does not run. Same API; drop the second when Node 20
 * support ends.
 */
export const Sqlite: typeof BetterSqlite3 = require(major >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20');
export type Sqlite = BetterSqlite3.Database;
