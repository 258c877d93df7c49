import { useEffect, useState } from 'preact/hooks';
import { must } from './api-error.js';
import type { Api, Schemas } from './api.js';
import { Layout } from './components/layout.js';
import { PasswordDialog } from './components/password-dialog.js';
import { describe } from './errors.js';
import { HeroesTeamsPage } from './pages/heroes-teams.js';
import { SignIn } from './pages/sign-in.js';
import { StorePage } from './pages/store.js';
import { StoresPage } from './pages/stores.js';
import { href, useRoute } from './route.js';
import { ACCESS_KEY, type Session } from './session.js';

const EXPIRED = 'Your session has expired. Sign in again to go on.';

/** Who is signed in (from `GET /me`), and the page the URL's fragment names; the sign-in page until then. */
export function App({ session, api }: { session: Session; api: Api }) {
  /** undefined while the console learns who it is; null when nobody is signed in. */
  const [me, setMe] = useState<Schemas['Me'] | null>();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState<{ resolve: (confirmed: boolean) => void }>();
  const route = useRoute();

  const learnWhoIAm = async () => {
    try {
      setMe(await must(api.GET('/me')));
      setNotice(undefined);
    } catch (error) {
      // A session the service refused has ended already (and said so); anything else is said here.
      if (session.signedIn()) setNotice(describe(error).join(' '));
      setMe(null);
    }
  };

  useEffect(() => {
    session.onEnded = () => {
      setMe(null);
      setNotice(EXPIRED);
      setConfirming(undefined);
    };
    session.confirmPassword = () => new Promise((resolve) => setConfirming({ resolve }));
    // Signing out in another tab signs out this one.
    const follow = (event: StorageEvent) => {
      if (event.key === ACCESS_KEY && event.newValue === null) setMe(null);
    };
    addEventListener('storage', follow);
    if (session.signedIn()) void learnWhoIAm();
    else setMe(null);
    return () => removeEventListener('storage', follow);
  }, []);

  if (me === undefined) {
    return (
      <p role="status" class="loading">
        Loading…
      </p>
    );
  }
  if (me === null) return <SignIn session={session} notice={notice} onSignedIn={() => void learnWhoIAm()} />;

  const signOut = async () => {
    await session.signOut();
    setNotice(undefined);
    setMe(null);
  };
  return (
    <>
      <Layout me={me} route={route} onSignOut={() => void signOut()}>
        {route.page === 'stores' && <StoresPage api={api} me={me} />}
        {route.page === 'store' && <StorePage key={route.id} api={api} me={me} id={route.id} />}
        {route.page === 'heroes' && <HeroesTeamsPage api={api} me={me} />}
        {route.page === 'unknown' && (
          <>
            <h1 tabIndex={-1}>Page not found</h1>
            <p>
              The console has no such page. <a href={href.stores}>Go to the stores</a>.
            </p>
          </>
        )}
      </Layout>
      {confirming && (
        <PasswordDialog
          username={me.username}
          session={session}
          onDone={(confirmed) => {
            confirming.resolve(confirmed);
            setConfirming(undefined);
          }}
        />
      )}
    </>
  );
}
