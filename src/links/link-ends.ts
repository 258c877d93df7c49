import type { Database } from '../database/connection.js';
import type { Page } from '../http/pagination.js';
import type { ListFilters } from '../lists/list-query.js';
import type { ListSpec } from '../lists/list-spec.js';
import { plainList } from '../lists/plain-list.js';
import { otherSide, type LinkModel, type Side } from './link-model.js';
import { linkSetter, type LinkChange, type LinkTarget } from './link-set.js';

/**
 * A pair's two ends as collections: the rows linked to one row of an end, listed and filtered as the
 * other end's `lists` entry says (each with the link's fields), and set whole.
 */
export function linkEnds(database: Database, model: LinkModel, lists: Record<Side, ListSpec>) {
  const plain = { left: plainList(database, lists.left), right: plainList(database, lists.right) };
  const setter = linkSetter(database, model);
  return {
    model,
    lists,
    /** The rows of the other end linked to `id` of `from`; `found` is false when that row does not exist. */
    list: (from: Side, id: number, page: Page, filters: ListFilters) => plain[otherSide(from)](page, filters, { link: model, from, id }),
    set: (from: Side, id: number, targets: LinkTarget[], allow: (change: LinkChange) => void) => setter.set(from, id, targets, allow),
  };
}

export type LinkEnds = ReturnType<typeof linkEnds>;
