import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { HttpError } from '../http/http-error.js';
import { Id, MAX_ID } from '../http/schemas.js';
import { optionalFields, otherSide, type LinkModel } from '../links/link-model.js';
import type { LinkFilter, ListSpec } from './list-spec.js';

export const MAX_FILTER_IDS = 100;

export type LinkMode = 'all' | 'any' | 'none';
const MODES: Record<LinkMode, string> = {
  all: 'every one',
  any: 'at least one',
  none: 'none',
};

export interface SortKey {
  column: string;
  descending: boolean;
  /** NULLs sort after every value (before them when descending), on both databases. */
  nullable: boolean;
  /** Text, sorted by its bytes on both databases. */
  text: boolean;
  /** A field of the link row (alias `l`) rather than of the listed row. */
  ofLink: boolean;
}

export interface LinkCondition {
  filter: LinkFilter;
  mode: LinkMode;
  /** Distinct ids. */
  ids: number[];
}

/** A list request's filters and order, parsed and checked. */
export interface ListFilters {
  q?: string;
  bounds: { column: string; op: '>=' | '<='; value: number }[];
  equals: { column: string; value: number }[];
  links: LinkCondition[];
  /** The link-field values asked for, per link: every link of that table the request looks at must have them. */
  linkValues: Map<LinkModel, Record<string, unknown>>;
  sort: SortKey[];
}

export interface ListQueryOptions<Paging extends TObject> {
  /** The pagination parameters: `PageQuery`, or `OffsetOrPageQuery` for heroes and teams. */
  paging: Paging;
  /** A top-level list, whose `equals` filters apply. */
  topLevel?: boolean;
  /** A link's other end: each row is listed with its link's fields, which are sort fields too. */
  through?: LinkModel;
}

type Query = Record<string, unknown>;

/** A list with no filters, in id order. */
export const noFilters = (): ListFilters => ({ bounds: [], equals: [], links: [], linkValues: new Map(), sort: [] });

const SCALAR = new Set(['string', 'number', 'integer', 'boolean']);

/** The sortable properties of a shape: scalars, and scalars that may be null. */
function sortable(shape: TObject, ofLink: boolean): Map<string, Omit<SortKey, 'descending'>> {
  const keys = new Map<string, Omit<SortKey, 'descending'>>();
  for (const [column, schema] of Object.entries(shape.properties)) {
    const types = ((schema.anyOf as TSchema[] | undefined) ?? [schema]).map((s) => s.type as string);
    if (types.every((t) => SCALAR.has(t) || t === 'null')) {
      keys.set(column, { column, nullable: types.includes('null'), text: types.includes('string'), ofLink });
    }
  }
  return keys;
}

/** Each link the list's rows can be filtered through, once, with its fields' filter schemas. */
function linkFieldParams(links: LinkModel[]): [string, LinkModel, TSchema][] {
  return links.flatMap((link) =>
    Object.entries(optionalFields(link)).map(([key, schema]): [string, LinkModel, TSchema] => [
      key,
      link,
      { ...schema, description: `Only links whose \`${key}\` is this value.` },
    ]),
  );
}

const invalid = (errors: Record<string, string[]>) => new HttpError(422, undefined, { query: errors });

/** Comma-separated ids, at most MAX_FILTER_IDS; a message when the text is not that. */
function parseIds(text: string): number[] | string {
  if (!/^\d+(,\d+)*$/.test(text)) return 'Not a valid list of ids: positive integers separated by commas.';
  const ids = text.split(',').map(Number);
  if (ids.length > MAX_FILTER_IDS) return `At most ${MAX_FILTER_IDS} ids.`;
  if (ids.some((id) => id < 1 || id > MAX_ID)) return `Ids are from 1 to ${MAX_ID}.`;
  return [...new Set(ids)];
}

/**
 * The query of a list of `spec`'s rows, as one schema (validation and documentation) and the parser of
 * what the schema cannot say: id lists and sort fields. Unknown parameters are refused.
 */
export function listQuery<Paging extends TObject>(spec: ListSpec, { paging, topLevel = false, through }: ListQueryOptions<Paging>) {
  const sortKeys = sortable(spec.shape, false);
  if (through) for (const [key, value] of sortable(through.fields ?? Type.Object({}), true)) sortKeys.set(key, value);
  const links = [...new Set([...(spec.links ?? []).map((f) => f.link), ...(through ? [through] : [])])];
  const fieldParams = linkFieldParams(links);
  const linkParams = (spec.links ?? []).flatMap((filter) => {
    const other = filter.link[otherSide(filter.side)];
    return (Object.keys(MODES) as LinkMode[]).map((mode) => ({ name: `${other.name}_${mode}`, filter, mode, other }));
  });
  const named = 'name' in spec.shape.properties;
  const sortFields = [...sortKeys.keys()].join(', ');

  // Typed as its pagination: the filters are read by `parse`, not by handlers.
  const schema: Paging = Type.Object(
    {
      ...paging.properties,
      ...(named
        ? {
            q: Type.Optional(
              Type.String({
                maxLength: 255,
                description: 'Only rows whose `name` contains this text, ignoring case (`%` and `_` are plain characters).',
              }),
            ),
          }
        : {}),
      ...Object.fromEntries(
        (spec.bounds ?? []).flatMap((column) => [
          [`${column}_min`, Type.Optional(Type.Number({ description: `Only rows whose \`${column}\` is at least this number.` }))],
          [`${column}_max`, Type.Optional(Type.Number({ description: `Only rows whose \`${column}\` is at most this number.` }))],
        ]),
      ),
      ...(topLevel
        ? Object.fromEntries(
            (spec.equals ?? []).map((column) => [
              column,
              Type.Optional({ ...Id, description: `Only rows whose \`${column}\` is this id.` }),
            ]),
          )
        : {}),
      ...Object.fromEntries(
        linkParams.map(({ name, mode, other }) => [
          name,
          Type.Optional(
            Type.String({
              description: `Only rows linked to ${MODES[mode]} of these ${other.name}: their ids, comma-separated (at most ${MAX_FILTER_IDS}).`,
              examples: ['3,7'],
            }),
          ),
        ]),
      ),
      ...Object.fromEntries(fieldParams.map(([key, , schema]) => [key, schema])),
      sort: Type.Optional(
        Type.String({
          description: `Comma-separated fields among ${sortFields}; a leading \`-\` sorts descending. Ties are broken by \`id\`.`,
          examples: ['-id'],
        }),
      ),
    },
    { additionalProperties: false },
  ) as TObject as Paging;

  /** The filters and order of a query the schema has accepted; a 422 for bad id lists or sort fields. */
  function parse(query: Query): ListFilters {
    const errors: Record<string, string[]> = {};
    const filters: ListFilters = { bounds: [], equals: [], links: [], linkValues: new Map(), sort: [] };
    if (named && typeof query.q === 'string' && query.q !== '') filters.q = query.q;
    for (const column of spec.bounds ?? []) {
      const min = query[`${column}_min`];
      const max = query[`${column}_max`];
      if (typeof min === 'number') filters.bounds.push({ column, op: '>=', value: min });
      if (typeof max === 'number') filters.bounds.push({ column, op: '<=', value: max });
    }
    if (topLevel) {
      for (const column of spec.equals ?? []) {
        if (typeof query[column] === 'number') filters.equals.push({ column, value: query[column] });
      }
    }
    for (const { name, filter, mode } of linkParams) {
      if (typeof query[name] !== 'string') continue;
      const ids = parseIds(query[name]);
      if (typeof ids === 'string') errors[name] = [ids];
      else filters.links.push({ filter, mode, ids });
    }
    for (const [key, link] of fieldParams) {
      if (query[key] === undefined) continue;
      filters.linkValues.set(link, { ...filters.linkValues.get(link), [key]: query[key] });
    }
    if (typeof query.sort === 'string') {
      for (const field of query.sort.split(',')) {
        const descending = field.startsWith('-');
        const key = sortKeys.get(descending ? field.slice(1) : field);
        if (key) filters.sort.push({ ...key, descending });
        else {
          errors.sort ??= [];
          errors.sort.push(
            field === '' || field === '-' ? 'Not a valid sort: fields separated by commas.' : `Unknown sort field: ${field}.`,
          );
        }
      }
    }
    if (Object.keys(errors).length > 0) throw invalid(errors);
    return filters;
  }

  return { schema, parse };
}

export type ListQuery<Paging extends TObject = TObject> = ReturnType<typeof listQuery<Paging>>;
