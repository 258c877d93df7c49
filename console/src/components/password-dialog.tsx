import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../session.js';
import { useAction } from '../use-action.js';
import { ErrorAlert } from './error-alert.js';

interface PasswordDialogProps {
  username: string;
  session: Session;
  /** Called with whether the user signed in again. */
  onDone: (confirmed: boolean) => void;
}

/** Asks for the password again when a change needs a fresh token (adding an item does), then goes on. */
export function PasswordDialog({ username, session, onDone }: PasswordDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const action = useAction();
  useEffect(() => dialog.current?.showModal(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => session.reauthenticate(username, password))) onDone(true);
  };

  return (
    <dialog
      ref={dialog}
      class="card"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onDone(false);
      }}
    >
      <form onSubmit={submit}>
        <h2 id="confirm-title">Confirm your password</h2>
        <p>This change needs a recent sign-in. Enter the password of {username} to make it.</p>
        <ErrorAlert error={action.error} labels={{ password: 'Password' }} />
        <label>
          Password
          <input type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit" class="primary">
            Confirm
          </button>
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
