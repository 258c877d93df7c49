import type { Database } from './connection.js';
import { prepared, type Executor } from './prepared.js';

/** Whose key, which key: keys are the caller's own. */
export interface KeyName {
  scope: string;
  key: string;
}

/** What a key was first used for (the request's fingerprint), and the answer it got. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: string;
}

export type IdempotencyKeys = ReturnType<typeof idempotencyKeys>;

/**
 * The idempotency keys' rows. A key is claimed, used and answered inside the transaction of the
 * create it guards, so the create and its key commit together or not at all.
 */
export function idempotencyKeys(database: Database) {
  const { db } = database;
  const purge = prepared(database, (before: number) => db.deleteFrom('idempotency_keys').where('created_at', '<', before));
  const claim = prepared(database, (scope: string, key: string, fingerprint: string, now: number, expiredBefore: number) =>
    db
      .insertInto('idempotency_keys')
      .values({ scope, key, fingerprint, created_at: now })
      .onConflict((conflict) =>
        conflict
          .columns(['scope', 'key'])
          .doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            created_at: eb.ref('excluded.created_at'),
            status: null,
            body: null,
          }))
          .where('idempotency_keys.created_at', '<', expiredBefore),
      )
      .returning('key'),
  );
  const find = prepared(database, (scope: string, key: string) =>
    db.selectFrom('idempotency_keys').select(['fingerprint', 'status', 'body']).where('scope', '=', scope).where('key', '=', key),
  );
  const answer = prepared(database, (scope: string, key: string, status: number, body: string) =>
    db.updateTable('idempotency_keys').set({ status, body }).where('scope', '=', scope).where('key', '=', key),
  );

  return {
    /** Removes the keys first used before `before`. */
    purge: async (before: number) => void (await purge(before)),
    /**
     * Claims the key for a request, in `trx`: a new row, or the row of a use that has expired. False
     * when the key is in use: on PostgreSQL the insert waits for a transaction that has claimed the
     * same key to end (the primary key serialises them); SQLite runs one writing transaction at a time.
     */
    async claim(trx: Executor, { scope, key }: KeyName, fingerprint: string, now: number, expiredBefore: number) {
      return (await claim.in(trx)(scope, key, fingerprint, now, expiredBefore)).length === 1;
    },
    /** The committed use of the key, if there still is one. */
    async find(trx: Executor, { scope, key }: KeyName): Promise<StoredAnswer | undefined> {
      const [row] = await find.in(trx)(scope, key);
      // A committed row has its answer: the transaction that claims a key writes it before it commits.
      return row && { fingerprint: row.fingerprint, status: row.status!, body: row.body! };
    },
    /** Keeps the answer of the request that claimed the key, in the same transaction. */
    async answer(trx: Executor, { scope, key }: KeyName, status: number, body: string) {
      await answer.in(trx)(scope, key, status, body);
    },
  };
}
