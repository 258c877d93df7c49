import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call } from '../helpers/requests.js';

const RUNS = 25;
const MISSING = 999999;
type Mode = 'all' | 'any' | 'none';
const MODES: Mode[] = ['all', 'any', 'none'];

/** A small catalog: `rows` left rows, `others` right rows, and which pairs are linked (with a flag). */
/** Rows and other-end rows by index, and links between them by index (each with a flag for link fields). */
interface Catalog {
  rows: number;
  others: number;
  links: { row: number; other: number; flag: boolean }[];
}

const catalog = (maxRows: number, maxOthers: number): fc.Arbitrary<Catalog> =>
  fc.record({ rows: fc.integer({ min: 1, max: maxRows }), others: fc.integer({ min: 1, max: maxOthers }) }).chain(({ rows, others }) =>
    fc.record({
      rows: fc.constant(rows),
      others: fc.constant(others),
      links: fc.uniqueArray(fc.record({ row: fc.nat(rows - 1), other: fc.nat(others - 1), flag: fc.boolean() }), {
        selector: (l) => `${l.row}:${l.other}`,
        maxLength: rows * others,
      }),
    }),
  );

/** For each mode, maybe a list of indexes of the catalog's other rows (and sometimes an id of nothing). */
const filters = (others: number) =>
  fc.record(
    Object.fromEntries(
      MODES.map((mode) => [
        mode,
        fc.option(fc.record({ picks: fc.uniqueArray(fc.nat(others - 1), { minLength: 1, maxLength: others }), missing: fc.boolean() }), {
          nil: undefined,
        }),
      ]),
    ) as Record<Mode, fc.Arbitrary<{ picks: number[]; missing: boolean } | undefined>>,
  );

/**
 * API.md §6 under every combination: the API's answers against the answer computed here from the whole
 * link table, on random catalogs and random filters (all/any/none, is_training, a collection).
 */
describe.each(BACKENDS)('filters through links mean what they say, on %s', (backend) => {
  const t = useTestApp(backend);
  const bool = (value: boolean) => (backend === 'sqlite' ? Number(value) : value);
  let run = 0;

  /** A new store holding `c`'s items, tags and item-tag links; their ids in `c`'s order. */
  async function storeOf(c: Catalog, label: string) {
    const { db } = t.database;
    const [store] = await db
      .insertInto('stores')
      .values({ name: `${label} ${backend} ${++run}` })
      .returning('id')
      .execute();
    const items = (
      await db
        .insertInto('items')
        .values(Array.from({ length: c.rows }, (_, i) => ({ name: `i${i}`, price: i, store_id: store!.id })))
        .returning('id')
        .execute()
    ).map((r) => r.id);
    const tags = (
      await db
        .insertInto('tags')
        .values(Array.from({ length: c.others }, (_, i) => ({ name: `t${i}`, store_id: store!.id })))
        .returning('id')
        .execute()
    ).map((r) => r.id);
    if (c.links.length > 0) {
      await db
        .insertInto('items_tags')
        .values(c.links.map((l) => ({ item_id: items[l.row]!, tag_id: tags[l.other]!, store_id: store!.id })))
        .execute();
    }
    return { store: store!, items, tags };
  }

  /** The expected rows: `linked(row, other)` says whether a counted link joins them. */
  function expected(rowIds: number[], asked: Record<Mode, number[] | undefined>, linked: (row: number, other: number) => boolean) {
    return rowIds.filter(
      (row) =>
        (!asked.all || asked.all.every((o) => linked(row, o))) &&
        (!asked.any || asked.any.some((o) => linked(row, o))) &&
        !asked.none?.some((o) => linked(row, o)),
    );
  }
  const ask = (chosen: Record<Mode, { picks: number[]; missing: boolean } | undefined>, otherIds: number[]) =>
    Object.fromEntries(
      MODES.map((mode) => {
        const c = chosen[mode];
        return [mode, c && [...c.picks.map((i) => otherIds[i]!), ...(c.missing ? [MISSING] : [])]];
      }),
    ) as Record<Mode, number[] | undefined>;
  const params = (prefix: string, asked: Record<Mode, number[] | undefined>) =>
    MODES.filter((mode) => asked[mode])
      .map((mode) => `&${prefix}_${mode}=${asked[mode]!.join(',')}`)
      .join('');

  it('items through tags: tags_all / tags_any / tags_none, from the item end and from a tag’s collection', async () => {
    await fc.assert(
      fc.asyncProperty(catalog(6, 5), fc.integer({ min: 0, max: 4 }), async (c, collectionPick) => {
        const { store, items, tags } = await storeOf(c, 'property');
        const links = new Set(c.links.map((l) => `${items[l.row]}:${tags[l.other]}`));
        const linked = (item: number, tag: number) => links.has(`${item}:${tag}`);

        await fc.assert(
          fc.asyncProperty(filters(c.others), async (chosen) => {
            const asked = ask(chosen, tags);
            const reply = await call(t.app, 'GET', `/item?store_id=${store.id}&page_size=1000${params('tags', asked)}`);
            expect(reply.status).toBe(200);
            const want = expected(items, asked, linked);
            expect(reply.body.map((r: { id: number }) => r.id)).toEqual(want);
            expect(JSON.parse(String(reply.headers['x-pagination'])).total ?? 0).toBe(want.length);

            // The same question asked of one tag's items: its links first, then the filters.
            const tag = tags[collectionPick % tags.length]!;
            const ofTag = await call(t.app, 'GET', `/tag/${tag}/item?page_size=1000${params('tags', asked)}`);
            expect(ofTag.body.map((r: { id: number }) => r.id)).toEqual(want.filter((item) => linked(item, tag)));
          }),
          { numRuns: 4 },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('heroes through teams, with is_training: on /heroes and on a team’s heroes', async () => {
    await fc.assert(
      fc.asyncProperty(
        catalog(5, 4),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.integer({ min: 0, max: 3 }),
        async (c, training, collectionPick) => {
          const { db } = t.database;
          const tag = `~p${backend}${++run}~`;
          const heroes = (
            await db
              .insertInto('hero')
              .values(Array.from({ length: c.rows }, (_, i) => ({ name: `${tag}${i}`, secret_name: 's', age: i })))
              .returning('id')
              .execute()
          ).map((r) => r.id);
          const teams = (
            await db
              .insertInto('team')
              .values(Array.from({ length: c.others }, (_, i) => ({ name: `${tag}${i}`, headquarters: 'hq' })))
              .returning('id')
              .execute()
          ).map((r) => r.id);
          if (c.links.length > 0) {
            await db
              .insertInto('heroteamlink')
              .values(c.links.map((l) => ({ hero_id: heroes[l.row]!, team_id: teams[l.other]!, is_training: bool(l.flag) })))
              .execute();
          }
          const flags = new Map(c.links.map((l) => [`${heroes[l.row]}:${teams[l.other]}`, l.flag]));
          const counted = (hero: number, team: number) => {
            const flag = flags.get(`${hero}:${team}`);
            return flag !== undefined && (training === undefined || flag === training);
          };

          await fc.assert(
            fc.asyncProperty(filters(c.others), async (chosen) => {
              const asked = ask(chosen, teams);
              const field = training === undefined ? '' : `&is_training=${training}`;
              const reply = await call(
                t.app,
                'GET',
                `/heroes?q=${encodeURIComponent(tag)}&page_size=1000${params('teams', asked)}${field}`,
              );
              expect(reply.status).toBe(200);
              let want = expected(heroes, asked, counted);
              // is_training without an id filter asks for heroes with at least one such link.
              if (training !== undefined && MODES.every((m) => !asked[m]))
                want = want.filter((h) => teams.some((team) => counted(h, team)));
              expect(reply.body.map((r: { id: number }) => r.id)).toEqual(want);

              const team = teams[collectionPick % teams.length]!;
              const ofTeam = await call(t.app, 'GET', `/teams/${team}/heroes?page_size=1000${params('teams', asked)}${field}`);
              expect(ofTeam.body.map((r: { id: number }) => r.id)).toEqual(
                expected(heroes, asked, counted).filter((h) => counted(h, team)),
              );
            }),
            { numRuns: 4 },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('tags_all with one id is tags_any with it, and none of an empty catalog’s tags keeps every item', async () => {
    await fc.assert(
      fc.asyncProperty(catalog(5, 4), fc.nat(3), async (c, pick) => {
        const { store, items, tags } = await storeOf(c, 'single');
        const tag = tags[pick % tags.length]!;
        const all = await call(t.app, 'GET', `/item?store_id=${store.id}&tags_all=${tag}`);
        const any = await call(t.app, 'GET', `/item?store_id=${store.id}&tags_any=${tag}`);
        expect(all.body).toEqual(any.body);
        const none = await call(t.app, 'GET', `/item?store_id=${store.id}&tags_none=${MISSING}`);
        expect(none.body.map((r: { id: number }) => r.id)).toEqual(items);
      }),
      { numRuns: RUNS },
    );
  });
});
