import { useState } from 'preact/hooks';
import { must, paged } from '../api-error.js';
import type { Api, Schemas } from '../api.js';
import { ErrorAlert } from '../components/error-alert.js';
import { Pager } from '../components/pager.js';
import { href } from '../route.js';
import { useAction } from '../use-action.js';
import { useLoad } from '../use-load.js';

const PAGE_SIZE = 20;

/** Every store (or only one's own), and a new one. */
export function StoresPage({ api, me }: { api: Api; me: Schemas['Me'] }) {
  const [page, setPage] = useState(1);
  const [onlyMine, setOnlyMine] = useState(false);
  const stores = useLoad(
    () => paged(api.GET('/store', { params: { query: { page, page_size: PAGE_SIZE, ...(onlyMine ? { owner_id: me.id } : {}) } } })),
    [page, onlyMine],
  );
  const [name, setName] = useState('');
  const create = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(async () => {
      const store = await must(api.POST('/store', { body: { name } }));
      location.hash = href.store(store.id);
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Stores</h1>
      <section class="card" aria-labelledby="new-store">
        <h2 id="new-store">New store</h2>
        <p class="hint">You will own it: only you (and admins) can change its items and tags.</p>
        <form class="row-form" onSubmit={submit}>
          <label>
            Store name
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary">
            Create store
          </button>
        </form>
        <ErrorAlert error={create.error} labels={{ name: 'Store name' }} />
      </section>
      <section class="card" aria-labelledby="all-stores">
        <div class="section-head">
          <h2 id="all-stores">{onlyMine ? 'Your stores' : 'All stores'}</h2>
          <label class="check">
            <input
              type="checkbox"
              checked={onlyMine}
              onChange={(e) => {
                setOnlyMine(e.currentTarget.checked);
                setPage(1);
              }}
            />
            Only my stores
          </label>
        </div>
        <ErrorAlert error={stores.error} />
        {stores.data && stores.data.rows.length === 0 && <p>No stores yet: create the first one above.</p>}
        {stores.data && stores.data.rows.length > 0 && (
          <ul class="store-list">
            {stores.data.rows.map((store) => (
              <li key={store.id}>
                <a href={href.store(store.id)}>{store.name}</a>
                <span class="meta">
                  {store.items.length} {store.items.length === 1 ? 'item' : 'items'} · {store.tags.length}{' '}
                  {store.tags.length === 1 ? 'tag' : 'tags'}
                </span>
              </li>
            ))}
          </ul>
        )}
        <Pager of="stores" page={page} pagination={stores.data?.pagination} onPage={setPage} />
      </section>
    </>
  );
}
