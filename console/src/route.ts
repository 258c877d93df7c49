import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's fragment, so that every path stays the API's. */
export type Route = { page: 'stores' } | { page: 'store'; id: number } | { page: 'heroes' } | { page: 'unknown' };

export const href = {
  stores: '#/stores',
  store: (id: number) => `#/stores/${id}`,
  heroes: '#/heroes',
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/' || path === '/stores') return { page: 'stores' };
  if (path === '/heroes') return { page: 'heroes' };
  const store = /^\/stores\/([1-9]\d{0,9})$/.exec(path);
  if (store) return { page: 'store', id: Number(store[1]) };
  return { page: 'unknown' };
}

/** The current route, following the fragment as it changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const follow = () => setHash(location.hash);
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return parseRoute(hash);
}
