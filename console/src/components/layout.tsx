import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Schemas } from '../api.js';
import { href, type Route } from '../route.js';

interface LayoutProps {
  me: Schemas['Me'];
  route: Route;
  onSignOut: () => void;
  children: ComponentChildren;
}

/** The frame of every page once signed in: the navigation, who is signed in, and the page. */
export function Layout({ me, route, onSignOut, children }: LayoutProps) {
  const place = route.page === 'store' ? `store-${route.id}` : route.page;
  // A new page moves the focus to its heading, as a page load would move it to the top.
  useEffect(() => document.querySelector<HTMLElement>('main h1')?.focus(), [place]);
  const current = (page: Route['page'][]) => (page.includes(route.page) ? 'page' : undefined);

  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link (#main); the click moves the focus without changing the hash route */}
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.querySelector<HTMLElement>('main h1')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Junction</span>
        <nav aria-label="Main">
          <a href={href.stores} aria-current={current(['stores', 'store'])}>
            Stores
          </a>
          <a href={href.heroes} aria-current={current(['heroes'])}>
            Heroes &amp; teams
          </a>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{me.username}</strong>
            {me.is_admin ? ' (admin)' : ''}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
