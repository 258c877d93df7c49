import { useState } from 'preact/hooks';
import { ErrorAlert } from '../components/error-alert.js';
import type { Session } from '../session.js';
import { useAction } from '../use-action.js';

const LABELS = { username: 'Username', password: 'Password' };

interface SignInProps {
  session: Session;
  /** Why the user is here again (an expired session), if they did not sign out. */
  notice?: string;
  onSignedIn: () => void;
}

/** Sign in, or create an account (and be signed in with it). */
export function SignIn({ session, notice, onSignedIn }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const signIn = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => session.signIn(username, password))) onSignedIn();
  };
  const createAccount = async () => {
    if (await action.run(() => session.register(username, password))) onSignedIn();
  };

  return (
    <main id="main" class="sign-in">
      <h1>Junction</h1>
      <p class="lead">Stores, items and their tags; heroes and their teams.</p>
      <form class="card" onSubmit={signIn}>
        <h2>Sign in or create an account</h2>
        {notice && action.error === undefined && (
          <div role="alert" class="alert">
            <p>{notice}</p>
          </div>
        )}
        <ErrorAlert error={action.error} labels={LABELS} />
        <label>
          Username
          <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <div class="actions">
          <button type="submit" class="primary">
            Sign in
          </button>
          <button type="button" onClick={createAccount}>
            Create account
          </button>
        </div>
      </form>
      <p class="footnote">
        The API behind this console is documented at <a href="/docs">/docs</a>.
      </p>
    </main>
  );
}
