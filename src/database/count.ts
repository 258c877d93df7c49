import { sql } from 'kysely';

/** count(*) as a number on both databases (PostgreSQL's is a bigint, which its driver returns as text). */
export const countAll = () => sql<number>`cast(count(*) as integer)`;
