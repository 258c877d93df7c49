import type { Database } from '../database/connection.js';
import { hashPassword } from './passwords.js';
import { userRepository } from './repository.js';

/** Makes sure the user exists, is an admin and has this password (ADMIN_USERNAME/ADMIN_PASSWORD, create-admin). */
export async function ensureAdmin(database: Database, admin: { username: string; password: string }): Promise<void> {
  await userRepository(database).ensureAdmin(admin.username, await hashPassword(admin.password));
}
