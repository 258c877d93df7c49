import { SelectQueryNode, type Compilable, type CompiledQuery, type Kysely } from 'kysely';
import { readerOf } from './reader.js';

/** Anything that runs a compiled query: the database, or a transaction of it. */
export type Executor = Pick<Kysely<unknown>, 'executeQuery'>;

/**
 * The SQL of every query compiled by `prepared`, each with a statement name. Only these few, fixed
 * texts are prepared by name on PostgreSQL connections (see `namedStatements`), so a connection
 * prepares each once and then only binds.
 */
const statementNames = new Map<string, string>();

export const statementName = (sql: string) => statementNames.get(sql);

/** Stands where an argument goes while the query is compiled; replaced by the value on each run. */
class Placeholder {
  constructor(readonly index: number) {}
}

export interface Prepared<Args extends unknown[], Row> {
  (...args: Args): Promise<Row[]>;
  /** The same statement, run by a transaction. */
  in(executor: Executor): (...args: Args) => Promise<Row[]>;
}

/**
 * Builds and compiles a query once; each call only binds its arguments. Kysely would otherwise build
 * and compile the query on every request, which costs as much as running it on SQLite.
 * `build` receives one placeholder per declared parameter (or `arity` of them, for a rest parameter)
 * and must use each only as a value.
 */
export function prepared<Args extends unknown[], Row>(
  db: Executor,
  build: (...params: Args) => Compilable<Row>,
  arity = build.length,
): Prepared<Args, Row> {
  const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i)) as unknown as Args;
  const compiled: CompiledQuery<Row> = build(...placeholders).compile();
  if (!statementNames.has(compiled.sql)) statementNames.set(compiled.sql, `junction_${statementNames.size + 1}`);
  const slots = compiled.parameters.map((p) => (p instanceof Placeholder ? p.index : -1));

  const bind = (args: Args): CompiledQuery<Row> => ({
    ...compiled,
    parameters: slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot])),
  });
  // Outside a transaction, a SELECT goes to the database's reader when it has one (SQLite files).
  const read = SelectQueryNode.is(compiled.query) ? readerOf(db) : undefined;
  const runner = (executor: Executor) =>
    read && executor === db
      ? async (...args: Args) => read(compiled.sql, bind(args).parameters) as Row[]
      : async (...args: Args) => (await executor.executeQuery<Row>(bind(args))).rows;

  return Object.assign(runner(db), { in: runner });
}
