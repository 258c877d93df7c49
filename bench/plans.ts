// Query plans of the hot statements. The SQL is what the service really runs: it is started once with
// LOG_SQL=1, each hot endpoint is requested once, and the statements it logged are explained.
import { setTimeout as sleep } from 'node:timers/promises';
import { withDatabase, type Kind } from './catalog.js';
import { startJunction, type JunctionEnv } from './server.js';

export const HOT_ENDPOINTS = [
  ...['/item/1', '/tag/1', '/store/1/tag', '/heroes/1'],
  // API.md §6 (tags 1 and 2 are of store 1 in the seed catalog).
  ...['/item?tags_all=1,2&page_size=20', '/tag/1/item?page_size=20', '/item?tags_none=1&page_size=20', '/item?q=77&page_size=20'],
];

export interface Plan {
  endpoint: string;
  sql: string;
  parameters: unknown[];
  plan: string;
}

interface SqlLine {
  msg?: string;
  sql?: string;
  parameters?: unknown[];
}

export async function capturePlans(kind: Kind, env: JunctionEnv): Promise<Plan[]> {
  const server = await startJunction({ ...env, logSql: true });
  const statements: Omit<Plan, 'plan'>[] = [];
  try {
    await sleep(200); // let the log lines of the /health probes arrive first
    for (const endpoint of HOT_ENDPOINTS) {
      const mark = server.output.length;
      await (await fetch(server.url + endpoint)).arrayBuffer();
      await sleep(200); // the log line travels through a pipe after the answer
      for (const line of server.output.slice(mark)) {
        const entry = parse(line);
        if (entry?.msg === 'sql' && entry.sql && entry.sql !== 'SELECT 1')
          statements.push({ endpoint, sql: entry.sql, parameters: entry.parameters ?? [] });
      }
    }
  } finally {
    await server.stop();
  }
  return withDatabase(env.databaseUrl, async (query) => {
    const plans: Plan[] = [];
    for (const statement of statements) {
      const plan =
        kind === 'sqlite'
          ? sqliteTree(await query(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.parameters))
          : (await query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.sql}`, statement.parameters))
              .map((row) => row['QUERY PLAN'])
              .join('\n');
      plans.push({ ...statement, plan });
    }
    return plans;
  });
}

function parse(line: string): SqlLine | undefined {
  try {
    return JSON.parse(line) as SqlLine;
  } catch {
    return undefined;
  }
}

/** SQLite's plan rows (id, parent, detail) as the indented tree its shell prints. */
function sqliteTree(rows: Record<string, unknown>[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((row) => {
      const level = (depth.get(Number(row.parent)) ?? -1) + 1;
      depth.set(Number(row.id), level);
      return `${'  '.repeat(level)}${String(row.detail)}`;
    })
    .join('\n');
}
