import type { TObject } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { columnsOf } from '../database/json.js';
import { prepared, type Executor } from '../database/prepared.js';
import { embed, jsonById } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import type { ListFilters } from '../lists/list-query.js';
import type { ListSpec } from '../lists/list-spec.js';
import { plainList } from '../lists/plain-list.js';
import { linkedList, linkFieldColumns, type LinkModel, type Side } from './link-model.js';
import type { LinkService } from './link-service.js';

/**
 * A resource that is one end of a link and nothing else (a hero, a team): its plain rows (`list.shape`,
 * listed and filtered as `list` says), and its reads with the other end's rows nested under
 * `nested.key`, each with the link's own fields.
 */
export interface LinkEndSpec<M extends LinkModel> {
  link: LinkService<M>;
  side: Side;
  list: ListSpec;
  nested: { key: string; shape: TObject };
}

export interface LinkedTo {
  id: number;
  values: Record<string, unknown>;
}

type Values = Record<string, unknown>;

export function linkEndRepository<Plain, WithNested, M extends LinkModel = LinkModel>(database: Database, spec: LinkEndSpec<M>) {
  const { db, flavor } = database;
  const model = spec.link.model;
  const table = sql.table(model[spec.side].table);
  const columns = Object.keys(spec.list.shape.properties);
  const selected = sql.join(columns.map((c) => sql.ref(c)));

  const withNested = flavor.object({
    ...columnsOf(spec.list.shape, 'r'),
    [spec.nested.key]: embed(
      linkedList(flavor, model, spec.side, sql.ref('r.id'), {
        ...columnsOf(spec.nested.shape, 'o'),
        ...linkFieldColumns(flavor, model, 'l'),
      }),
    ),
  });
  const byId = prepared(
    database,
    (id: number) => sql<{ body: unknown }>`SELECT ${flavor.text(withNested)} AS body FROM ${table} r WHERE r.id = ${id}`,
  );
  const plainById = prepared(database, (id: number) => sql<Plain>`SELECT ${selected} FROM ${table} WHERE id = ${id}`);
  const remove = prepared(database, (id: number) => sql<{ id: number }>`DELETE FROM ${table} WHERE id = ${id} RETURNING id`);
  const plain = plainList<Plain>(database, spec.list);

  const { json, get } = jsonById<WithNested>(byId);

  return {
    json,
    get,
    /** A page of rows and their filtered total. */
    list: (page: Page, filters: ListFilters) => plain(page, filters),
    /**
     * Creates the row and its links in one transaction: when a linked row does not exist, nothing is
     * created and the answer is 'missing_link'. The transaction is the caller's when `executor` is one.
     */
    async create(values: Values, links: LinkedTo[], executor: Executor = db): Promise<WithNested | 'missing_link'> {
      const names = Object.keys(values);
      const make = async (trx: Executor) => {
        const into = sql`${table} (${sql.join(names.map((c) => sql.ref(c)))})`;
        const inserted = await sql<{
          id: number;
        }>`INSERT INTO ${into} VALUES (${sql.join(names.map((c) => values[c]))}) RETURNING id`.execute(trx);
        const { id } = inserted.rows[0]!;
        await spec.link.attach(trx, spec.side, id, links);
        return id;
      };
      try {
        const id = executor === db ? await db.transaction().execute(make) : await make(executor);
        return (await get(id, executor))!;
      } catch (error) {
        if (constraintViolation(error) === 'foreign_key') return 'missing_link';
        throw error;
      }
    },
    /** Changes only the given fields; undefined when there is no such row. */
    async update(id: number, values: Values): Promise<Plain | undefined> {
      const names = Object.keys(values);
      if (names.length === 0) return (await plainById(id))[0];
      const set = sql.join(names.map((c) => sql`${sql.ref(c)} = ${values[c]}`));
      const updated = await sql<Plain>`UPDATE ${table} SET ${set} WHERE id = ${id} RETURNING ${selected}`.execute(db);
      return updated.rows[0];
    },
    /** Deletes the row; its link rows go with it (ON DELETE CASCADE). False when there was none. */
    remove: async (id: number) => (await remove(id)).length === 1,
  };
}
