import type { TObject } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/connection.js';
import { countAll } from '../database/count.js';
import { constraintViolation } from '../database/errors.js';
import { columnsOf } from '../database/json.js';
import { prepared } from '../database/prepared.js';
import { jsonById, withTotal } from '../database/sql-flavor.js';
import type { Page } from '../http/pagination.js';
import { linkedList, linkFieldColumns, type Side } from './link-model.js';
import type { LinkService } from './link-service.js';

/**
 * A resource that is one end of a link and nothing else (a hero, a team): its plain rows, and its
 * reads with the other end's rows nested under `nested.key`, each with the link's own fields.
 */
export interface LinkEndSpec {
  link: LinkService;
  side: Side;
  shape: TObject;
  nested: { key: string; shape: TObject };
}

export interface LinkedTo {
  id: number;
  values: Record<string, unknown>;
}

type Values = Record<string, unknown>;

export function linkEndRepository<Plain, WithNested>({ db: typed, flavor }: Database, spec: LinkEndSpec) {
  // Table and column names come from the link model, so the typed builder cannot check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = typed as unknown as Kysely<any>;
  const model = spec.link.model;
  const table = model[spec.side].table;
  const columns = Object.keys(spec.shape.properties);

  const withNested = flavor.object({
    ...columnsOf(spec.shape, 'r'),
    [spec.nested.key]: flavor.embed(
      linkedList(flavor, model, spec.side, sql.ref('r.id'), {
        ...columnsOf(spec.nested.shape, 'o'),
        ...linkFieldColumns(flavor, model, 'l'),
      }),
    ),
  });
  const byId = prepared(db, (id: number) => db.selectFrom(`${table} as r`).select(flavor.text(withNested).as('body')).where('r.id', '=', id));
  const plainById = prepared(db, (id: number) => db.selectFrom(table).select(columns).where('id', '=', id));
  const page = prepared(db, (limit: number, offset: number) =>
    db.selectFrom(table).select(columns).orderBy('id').limit(limit).offset(offset),
  );
  const count = prepared(db, () => db.selectFrom(table).select(countAll().as('total')));
  const remove = prepared(db, (id: number) => db.deleteFrom(table).where('id', '=', id).returning('id'));

  const { json, get } = jsonById<WithNested>(byId);

  return {
    json,
    get,
    async list({ limit, offset }: Page) {
      const { rows, total } = await withTotal(page(limit, offset), count() as Promise<{ total: number }[]>);
      return { rows: rows as Plain[], total };
    },
    /**
     * Creates the row and its links in one transaction: when a linked row does not exist, nothing is
     * created and the answer is 'missing_link'.
     */
    async create(values: Values, links: LinkedTo[]): Promise<WithNested | 'missing_link'> {
      try {
        const id = await db.transaction().execute(async (trx) => {
          const { id } = await trx.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow();
          await spec.link.attach(trx, spec.side, id, links);
          return id as number;
        });
        return (await get(id))!;
      } catch (error) {
        if (constraintViolation(error) === 'foreign_key') return 'missing_link';
        throw error;
      }
    },
    /** Changes only the given fields; undefined when there is no such row. */
    async update(id: number, values: Values): Promise<Plain | undefined> {
      if (Object.keys(values).length === 0) return (await plainById(id))[0] as Plain | undefined;
      const row = await db.updateTable(table).set(values).where('id', '=', id).returning(columns).executeTakeFirst();
      return row as Plain | undefined;
    },
    /** Deletes the row; its link rows go with it (ON DELETE CASCADE). False when there was none. */
    remove: async (id: number) => (await remove(id)).length === 1,
  };
}
