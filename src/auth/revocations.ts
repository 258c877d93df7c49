import { sql } from 'kysely';
import type { Database } from '../database/connection.js';
import { prepared } from '../database/prepared.js';

/**
 * Revoked tokens, in the database so a revocation holds after a restart and on every instance. A row
 * is kept until the token would have expired anyway; expired rows are removed as new ones arrive.
 */
export function revocations({ db }: Database) {
  const insert = prepared(db, (jti: string, expiresAt: number) =>
    db
      .insertInto('revoked_tokens')
      .values({ jti, expires_at: expiresAt })
      .onConflict((c) => c.column('jti').doNothing())
      .returning('jti'),
  );
  const purge = prepared(db, (now: number) => db.deleteFrom('revoked_tokens').where('expires_at', '<', now));
  const find = prepared(db, (jti: string) => db.selectFrom('revoked_tokens').select(sql<number>`1`.as('revoked')).where('jti', '=', jti));

  return {
    /** Revokes the token; false when it already was (two requests raced to use it: one wins). */
    async revoke(jti: string, expiresAt: number): Promise<boolean> {
      const [inserted] = await insert(jti, expiresAt);
      await purge(Math.floor(Date.now() / 1000));
      return inserted !== undefined;
    },
    isRevoked: async (jti: string) => (await find(jti)).length > 0,
  };
}

export type Revocations = ReturnType<typeof revocations>;
