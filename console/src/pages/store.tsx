import { useEffect, useState } from 'preact/hooks';
import { ApiError, must, paged } from '../api-error.js';
import type { Api, Schemas } from '../api.js';
import { ErrorAlert } from '../components/error-alert.js';
import { ItemRow } from '../components/item-row.js';
import { Pager } from '../components/pager.js';
import { href } from '../route.js';
import { useAction } from '../use-action.js';
import { useLoad } from '../use-load.js';

const PAGE_SIZE = 10;
/** How long the search waits for typing to pause before it asks. */
const SEARCH_DELAY_MS = 250;

interface StorePageProps {
  api: Api;
  me: Schemas['Me'];
  id: number;
}

/** A store's items with their tags: filtered, paged, and (for its owner or an admin) changed. */
export function StorePage({ api, me, id }: StorePageProps) {
  const store = useLoad(() => must(api.GET('/store/{store_id}', { params: { path: { store_id: id } } })), [id]);
  const name = store.data?.name;
  // Whether the controls that change the store are shown: only for its owner (a store of theirs
  // by that name) or an admin, never a control the service would refuse with 403.
  const editable = useLoad(async () => {
    if (me.is_admin) return true;
    if (name === undefined) return false;
    const mine = await must(api.GET('/store', { params: { query: { owner_id: me.id, q: name, page_size: 1000 } } }));
    return mine.some((own) => own.id === id);
  }, [id, name]);

  const [page, setPage] = useState(1);
  const [chosen, setChosen] = useState<number[]>([]);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    if (search.trim() === query) return undefined;
    const wait = setTimeout(() => {
      setQuery(search.trim());
      setPage(1);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(wait);
  }, [search, query]);
  const filters = { ...(chosen.length > 0 ? { tags_all: chosen.join(',') } : {}), ...(query ? { q: query } : {}) };
  const items = useLoad(
    () => paged(api.GET('/item', { params: { query: { store_id: id, page, page_size: PAGE_SIZE, ...filters } } })),
    [id, page, chosen.join(','), query],
  );

  const [itemName, setItemName] = useState('');
  const [price, setPrice] = useState('');
  const [tagName, setTagName] = useState('');
  const [editing, setEditing] = useState<number>();
  const [status, setStatus] = useState('');
  const addItem = useAction();
  const addTag = useAction();
  const change = useAction({ concurrent: true });

  if (store.error instanceof ApiError && store.error.status === 404) {
    return (
      <>
        <h1 tabIndex={-1}>Store not found</h1>
        <ErrorAlert error={store.error} />
        <p>
          <a href={href.stores}>Back to the stores</a>
        </p>
      </>
    );
  }
  const tags = store.data?.tags ?? [];
  const canChange = editable.data === true;

  const submitItem = async (event: Event) => {
    event.preventDefault();
    const done = await addItem.run(async () => {
      // The API reads a numeric string as a number, and says in words what is wrong with anything else.
      const body = { name: itemName, price: price.trim() as unknown as number, store_id: id };
      const item = await must(api.POST('/item', { body }));
      setStatus(`Added ${item.name}.`);
    });
    if (done) {
      setItemName('');
      setPrice('');
      items.reload();
    }
  };
  const submitTag = async (event: Event) => {
    event.preventDefault();
    const done = await addTag.run(async () => {
      const tag = await must(api.POST('/store/{store_id}/tag', { params: { path: { store_id: id } }, body: { name: tagName } }));
      setStatus(`Added the tag ${tag.name}.`);
    });
    if (done) {
      setTagName('');
      store.reload();
    }
  };
  const changeItem = async (action: () => Promise<string>) => {
    if (await change.run(async () => setStatus(await action()))) items.reload();
  };
  const link = (item: Schemas['Item'], tag: Schemas['PlainTag']) =>
    changeItem(async () => {
      await must(api.POST('/item/{item_id}/tag/{tag_id}', { params: { path: { item_id: item.id, tag_id: tag.id } } }));
      return `Added ${tag.name} to ${item.name}.`;
    });
  const unlink = (item: Schemas['Item'], tag: Schemas['PlainTag']) =>
    changeItem(async () => {
      await must(api.DELETE('/item/{item_id}/tag/{tag_id}', { params: { path: { item_id: item.id, tag_id: tag.id } } }));
      return `Removed ${tag.name} from ${item.name}.`;
    });
  const setTags = (item: Schemas['Item'], tagIds: number[]) =>
    changeItem(async () => {
      await must(api.PUT('/item/{item_id}/tag', { params: { path: { item_id: item.id } }, body: { tag_ids: tagIds } }));
      setEditing(undefined);
      return `Set the tags of ${item.name}.`;
    });
  const toggleFilter = (tagId: number, on: boolean) => {
    setChosen(on ? [...chosen, tagId].sort((a, b) => a - b) : chosen.filter((chosenId) => chosenId !== tagId));
    setPage(1);
  };

  return (
    <>
      <h1 tabIndex={-1}>{name ?? 'Store'}</h1>
      <ErrorAlert error={store.error} />
      {store.data && editable.data === false && (
        <p class="notice">This store belongs to another user: you can browse it, but only its owner can change it.</p>
      )}
      <p role="status" class="status">
        {status}
      </p>
      {canChange && (
        <div class="forms">
          <section class="card" aria-labelledby="new-item">
            <h2 id="new-item">New item</h2>
            <form class="row-form" onSubmit={submitItem}>
              <label>
                Item name
                <input value={itemName} onInput={(e) => setItemName(e.currentTarget.value)} />
              </label>
              <label class="narrow">
                Price
                <input inputMode="decimal" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
              </label>
              <button type="submit" class="primary">
                Add item
              </button>
            </form>
            <ErrorAlert error={addItem.error} labels={{ name: 'Item name', price: 'Price' }} />
          </section>
          <section class="card" aria-labelledby="new-tag">
            <h2 id="new-tag">New tag</h2>
            <form class="row-form" onSubmit={submitTag}>
              <label>
                Tag name
                <input value={tagName} onInput={(e) => setTagName(e.currentTarget.value)} />
              </label>
              <button type="submit" class="primary">
                Add tag
              </button>
            </form>
            <ErrorAlert error={addTag.error} labels={{ name: 'Tag name' }} />
          </section>
        </div>
      )}
      <section class="card" aria-labelledby="items-heading">
        <h2 id="items-heading">Items</h2>
        <div class="filters">
          <fieldset class="tag-filter">
            <legend>Filter by tags</legend>
            {tags.length === 0 && <span class="none">This store has no tags yet.</span>}
            {tags.map((tag) => (
              <label key={tag.id} class="check">
                <input type="checkbox" checked={chosen.includes(tag.id)} onChange={(e) => toggleFilter(tag.id, e.currentTarget.checked)} />
                {tag.name}
              </label>
            ))}
          </fieldset>
          <label class="search">
            Search items
            <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          </label>
        </div>
        <ErrorAlert error={change.error} />
        <ErrorAlert error={items.error} />
        <table class="items" aria-labelledby="items-heading" aria-busy={items.loading}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Price
              </th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {items.data?.rows.map((item) => (
              <ItemRow
                key={item.id}
                item={item}
                tags={tags}
                editable={canChange}
                editing={editing === item.id}
                onEdit={(on) => setEditing(on ? item.id : undefined)}
                onLink={(tag) => void link(item, tag)}
                onUnlink={(tag) => unlink(item, tag)}
                onSetTags={(tagIds) => void setTags(item, tagIds)}
              />
            ))}
            {items.data?.rows.length === 0 && (
              <tr>
                <td colSpan={3} class="none">
                  {chosen.length > 0 || query ? 'No items match.' : 'No items yet.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <Pager of="items" page={page} pagination={items.data?.pagination} onPage={setPage} />
      </section>
    </>
  );
}
