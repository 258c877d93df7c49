import type { TObject } from '@sinclair/typebox';
import type { Tables } from '../database/tables.js';
import type { LinkModel, Side } from '../links/link-model.js';

/** A link the listed table is the `side` end of: its rows can be filtered by what they are linked to. */
export interface LinkFilter {
  link: LinkModel;
  side: Side;
}

/**
 * What a list of one table's rows can be asked (API.md §6), declared once per table and used by every
 * list of its rows: the top-level list, a parent's list (`/store/{id}/item`) and a link's other end
 * (`/tag/{id}/item`). `shape` is the listed row: its scalar properties are the sort fields, and a `name`
 * makes `q`. `bounds` are columns with `<column>_min`/`_max`; `equals` are id columns filtered by
 * equality on the top-level list (`store_id`); `links` are the links whose `*_all`/`*_any`/`*_none`
 * and link-field filters apply.
 */
export interface ListSpec {
  table: string;
  shape: TObject;
  bounds?: readonly string[];
  equals?: readonly string[];
  links?: readonly LinkFilter[];
}

type ColumnOf<DB, T extends keyof DB> = keyof DB[T] & string;

/** `defineList` for the tables of `DB` (a test's own tables, say): a name that is no column does not compile. */
export const listsOf =
  <DB>() =>
  <T extends keyof DB & string>(spec: {
    table: T;
    shape: TObject;
    bounds?: readonly ColumnOf<DB, T>[];
    equals?: readonly ColumnOf<DB, T>[];
    links?: readonly LinkFilter[];
  }): ListSpec =>
    spec;

export const defineList = listsOf<Tables>();
