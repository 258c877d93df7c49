import { RawNode, SelectQueryNode, type Compilable, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Reader } from './reader.js';

/** Anything that runs a compiled query: the database, or a transaction of it. */
export type Executor = Pick<Kysely<unknown>, 'executeQuery' | 'getExecutor'>;

/**
 * Where a statement runs: the database, and, for a SQLite file, its reader, which runs SELECTs made
 * outside a transaction against the last committed state without waiting for the writer.
 */
export interface Queryable {
  db: Executor;
  reader?: Reader;
}

/** A query of the builder, or SQL written with `sql` (a generic mechanism's, whose names are declared). */
export type Query<Row> = Compilable<Row> | RawBuilder<Row>;

const isRaw = <Row>(query: Query<Row>): query is RawBuilder<Row> => 'isRawBuilder' in query;

/** Compiles a query; SQL written with `sql` needs the database to know its dialect. */
export const compile = <Row>(db: Executor, query: Query<Row>): CompiledQuery<Row> => (isRaw(query) ? query.compile(db) : query.compile());

/** A SELECT, whether built or written (`sql`): it may go to the database's reader. */
const isSelect = ({ query, sql }: CompiledQuery) => SelectQueryNode.is(query) || (RawNode.is(query) && /^\s*select\b/i.test(sql));

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

export interface PreparedOptions {
  /** How many parameters `build` takes, when it takes a rest parameter. */
  arity?: number;
  /**
   * A SELECT whose work grows with the rows it nests (a tag with all its items): on a SQLite file it runs
   * on a read worker, so the thread that answers every request does not wait for it.
   */
  heavy?: boolean;
}

/**
 * Builds and compiles a query once; each call only binds its arguments. Kysely would otherwise build
 * and compile the query on every request, which costs as much as running it on SQLite.
 * `build` receives one placeholder per declared parameter (or `arity` of them, for a rest parameter)
 * and must use each only as a value.
 */
export function prepared<Args extends unknown[], Row>(
  { db, reader }: Queryable,
  build: (...params: Args) => Query<Row>,
  { arity = build.length, heavy = false }: PreparedOptions = {},
): Prepared<Args, Row> {
  const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i)) as unknown as Args;
  const compiled = compile(db, build(...placeholders));
  if (!statementNames.has(compiled.sql)) statementNames.set(compiled.sql, `junction_${statementNames.size + 1}`);
  const slots = compiled.parameters.map((p) => (p instanceof Placeholder ? p.index : -1));

  const bind = (args: Args): CompiledQuery<Row> => ({
    ...compiled,
    parameters: slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot])),
  });
  // Outside a transaction, a SELECT goes to the database's reader when it has one (SQLite files).
  const read = isSelect(compiled) ? reader : undefined;
  const runner = (executor: Executor) =>
    read && executor === db
      ? heavy
        ? async (...args: Args) => (await read.later(compiled.sql, bind(args).parameters)) as Row[]
        : async (...args: Args) => read.now(compiled.sql, bind(args).parameters) as Row[]
      : async (...args: Args) => (await executor.executeQuery<Row>(bind(args))).rows;

  return Object.assign(runner(db), { in: runner });
}

/** Runs a query built for one request (a filtered list's, whose shape depends on the filters given). */
export async function run<Row>(executor: Executor, query: Query<Row>): Promise<Row[]> {
  return (await executor.executeQuery(compile(executor, query))).rows;
}
