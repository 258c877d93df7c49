import { HttpError } from '../http/http-error.js';
import type { LinkedTo } from './link-end-repository.js';

/**
 * The links given with a new row (`teams: [{team_id, is_training}]`), each row named once: a second
 * entry for the same row would be a second link, which cannot exist, so it is a 422.
 */
export function linkedTo(field: string, key: string, entries: Record<string, unknown>[] = []): LinkedTo[] {
  const links = entries.map(({ [key]: id, ...values }) => ({ id: id as number, values }));
  if (new Set(links.map((link) => link.id)).size !== links.length) {
    throw new HttpError(422, undefined, { json: { [field]: [`Each ${key} may appear only once.`] } });
  }
  return links;
}
