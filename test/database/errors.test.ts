import { describe, expect, it } from 'vitest';
import { constraintViolation, unstorableValue } from '../../src/database/errors.js';
import { startTestApp, stopTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';

describe.each(BACKENDS)('database errors on %s', (backend) => {
  it('tells a value the database cannot take from a broken rule and from a fault of its own', async () => {
    const t = await startTestApp(backend);
    try {
      const { db } = t.database;
      const refused = async (run: () => Promise<unknown>) =>
        run().then(
          () => undefined,
          (error: unknown) => error,
        );
      // A value no column of this type holds (PostgreSQL: out of range; SQLite: a non-integer LIMIT).
      const overflow = await refused(() =>
        backend === 'postgres'
          ? db
              .selectFrom('stores')
              .select('id')
              .where('id', '=', 2 ** 40)
              .execute()
          : db.selectFrom('stores').select('id').limit(Infinity).execute(),
      );
      expect(unstorableValue(overflow)).toBe(true);
      expect(constraintViolation(overflow)).toBeUndefined();

      const missingTable = await refused(() =>
        db
          .selectFrom('nowhere' as 'stores')
          .selectAll()
          .execute(),
      );
      expect(unstorableValue(missingTable)).toBe(false);

      const duplicate = await refused(async () => {
        await db.insertInto('stores').values({ name: 'Twice', owner_id: t.admin.id }).execute();
        await db.insertInto('stores').values({ name: 'Twice', owner_id: t.admin.id }).execute();
      });
      expect(constraintViolation(duplicate)).toBe('unique');
      expect(unstorableValue(duplicate)).toBe(false);
    } finally {
      await stopTestApp(t);
    }
  });
});
