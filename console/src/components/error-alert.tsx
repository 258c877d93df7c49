import { describe } from '../errors.js';

/** A refusal, in words, where it happened: an alert, so that screen readers read it out at once. */
export function ErrorAlert({ error, labels }: { error: unknown; labels?: Record<string, string> }) {
  if (error === undefined) return null;
  return (
    <div role="alert" class="alert">
      {describe(error, labels).map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}
