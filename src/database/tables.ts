import type { Generated } from 'kysely';

/** The tables as Kysely sees them; the migrations are what create them. */
export interface Tables {
  stores: { id: Generated<number>; name: string; owner_id: number | null };
  items: { id: Generated<number>; name: string; price: number; store_id: number };
  tags: { id: Generated<number>; name: string; store_id: number };
  items_tags: { item_id: number; tag_id: number; store_id: number };
  team: { id: Generated<number>; name: string; headquarters: string };
  hero: { id: Generated<number>; name: string; secret_name: string; age: number | null };
  /** `is_training` is a boolean on PostgreSQL and 0/1 on SQLite. */
  heroteamlink: { team_id: number; hero_id: number; is_training: Generated<boolean | number> };
  /** `is_admin` is a boolean on PostgreSQL and 0/1 on SQLite. */
  users: { id: Generated<number>; username: string; password_hash: string; is_admin: Generated<boolean | number> };
  revoked_tokens: { jti: string; expires_at: number };
  /** `status` and `body` are empty only inside the transaction that claims the key (see `idempotencyKeys`). */
  idempotency_keys: { scope: string; key: string; fingerprint: string; status: number | null; body: string | null; created_at: number };
  /** `resets_at` (milliseconds) is a bigint on PostgreSQL, which pg reads as a string. */
  rate_limits: { key: string; hits: number; resets_at: number | string };
}
