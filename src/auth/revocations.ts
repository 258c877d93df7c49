import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { prepared } from '../database/prepared.js';

/**
 * Revoked tokens, in the database so a revocation holds after a restart and on every instance. A row
 * is kept until the token would have expired anyway; expired rows are removed as new ones arrive.
 */
export function revocations(database: Database) {
  const { db } = database;
  const insert = prepared(database, (jti: string, expiresAt: number) =>
    db
      .insertInto('revoked_tokens')
      .values({ jti, expires_at: expiresAt })
      .onConflict((c) => c.column('jti').doNothing())
      .returning('jti'),
  );
  const purge = prepared(database, (now: number) => db.deleteFrom('revoked_tokens').where('expires_at', '<', now));
  // Every authenticated request asks both questions, so they are one statement.
  const standing = prepared(database, (jti: string, userId: number) =>
    db.selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('revoked_tokens').select(sql`1`.as('one')).where('jti', '=', jti)).as('revoked'),
      eb.selectFrom('users').select('is_admin').where('id', '=', userId).as('is_admin'),
    ]),
  );

  return {
    /** Revokes the token; false when it already was (two requests raced to use it: one wins). */
    async revoke(jti: string, expiresAt: number): Promise<boolean> {
      const [inserted] = await insert(jti, expiresAt);
      await purge(Math.floor(Date.now() / 1000));
      return inserted !== undefined;
    },
    /**
     * Where a token stands now: revoked, or its user deleted since it was issued, or valid, with
     * whether its user is an admin now (an admin demoted since loses the right at once).
     */
    async standing(jti: string, userId: number): Promise<'revoked' | 'no_user' | { isAdmin: boolean }> {
      const [row] = await standing(jti, userId);
      if (row?.revoked) return 'revoked';
      if (row?.is_admin === null || row?.is_admin === undefined) return 'no_user';
      return { isAdmin: Boolean(row.is_admin) };
    },
  };
}

export type Revocations = ReturnType<typeof revocations>;
