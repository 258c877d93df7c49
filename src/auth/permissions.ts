import { forbidden, notFound } from '../http/http-error.js';
import type { Owner } from '../stores/ownership.js';
import type { Principal } from './authenticate.js';

/**
 * May `caller` change what belongs to this store? Admins may change anything, others only what they
 * own: 404 (with `missing`) when there is no such row, 403 when it is someone else's.
 */
export function mayChange(caller: Principal, owner: Owner, missing: string): void {
  if (!owner) throw notFound(missing);
  if (!caller.isAdmin && owner.ownerId !== caller.id) {
    throw forbidden('Only the owner of that store or an admin may do that.');
  }
}
