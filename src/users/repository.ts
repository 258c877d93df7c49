import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { prepared, type Executor } from '../database/prepared.js';
import type { User } from './schemas.js';

export interface Account {
  id: number;
  passwordHash: string;
  isAdmin: boolean;
}

export type UserRepository = ReturnType<typeof userRepository>;

export function userRepository(database: Database) {
  const { db, flavor } = database;
  const insert = prepared(database, (username: string, passwordHash: string, isAdmin: boolean | number) =>
    db.insertInto('users').values({ username, password_hash: passwordHash, is_admin: isAdmin }).returning('id'),
  );
  const byUsername = prepared(database, (username: string) =>
    db.selectFrom('users').select(['id', 'password_hash', 'is_admin']).where('username', '=', username),
  );
  const byId = prepared(database, (id: number) => db.selectFrom('users').select(['id', 'username']).where('id', '=', id));
  const adminById = prepared(database, (id: number) => db.selectFrom('users').select('is_admin').where('id', '=', id));
  const promote = prepared(database, (id: number, passwordHash: string, isAdmin: boolean | number) =>
    db.updateTable('users').set({ password_hash: passwordHash, is_admin: isAdmin }).where('id', '=', id),
  );
  const remove = prepared(database, (id: number) => db.deleteFrom('users').where('id', '=', id).returning('id'));

  const account = async (username: string): Promise<Account | undefined> => {
    const [row] = await byUsername(username);
    return row && { id: row.id, passwordHash: row.password_hash, isAdmin: Boolean(row.is_admin) };
  };

  return {
    account,
    get: async (id: number): Promise<User | undefined> => (await byId(id))[0],
    /** Whether the user is an admin now; undefined when the user no longer exists. */
    isAdmin: async (id: number): Promise<boolean | undefined> => {
      const [row] = await adminById(id);
      return row && Boolean(row.is_admin);
    },
    /** The new user's id, or 'duplicate' when the username is taken; run by `executor`. */
    async create(username: string, passwordHash: string, executor: Executor = db): Promise<number | 'duplicate'> {
      try {
        return (await insert.in(executor)(username, passwordHash, flavor.bindBoolean(false)))[0]!.id;
      } catch (error) {
        if (constraintViolation(error) === 'unique') return 'duplicate';
        throw error;
      }
    },
    /** Makes sure `username` exists, is an admin, and has this password. */
    async ensureAdmin(username: string, passwordHash: string): Promise<void> {
      const admin = flavor.bindBoolean(true);
      const existing = await account(username);
      if (existing) return void (await promote(existing.id, passwordHash, admin));
      try {
        await insert(username, passwordHash, admin);
      } catch (error) {
        // Another instance starting at the same moment made the user first: make sure of it as it is.
        if (constraintViolation(error) !== 'unique') throw error;
        await promote((await account(username))!.id, passwordHash, admin);
      }
    },
    remove: async (id: number) => (await remove(id)).length === 1,
  };
}
