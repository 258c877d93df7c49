import { ApiError } from './api-error.js';

/** What the console says for refusals whose envelope speaks to a program rather than a person. */
const AUTH_WORDS: Record<string, string> = {
  fresh_token_required: 'This change needs a recent sign-in: confirm your password to make it.',
};

function fieldLines(fields: Record<string, unknown>, labels: Record<string, string>): string[] {
  return Object.entries(fields).map(([field, messages]) => {
    const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
    return field === '_schema' ? text : `${labels[field] ?? field}: ${text}`;
  });
}

/**
 * A refusal in words, one line each: the envelope's `message`, then each of its `errors` under the
 * label of the field it is about (`labels` maps the API's field names to the form's labels).
 */
export function describe(error: unknown, labels: Record<string, string> = {}): string[] {
  if (error instanceof ApiError) {
    const { envelope, status } = error;
    const words = envelope?.error ? AUTH_WORDS[envelope.error] : undefined;
    if (words) return [words];
    const lines = envelope?.message ? [envelope.message] : [];
    for (const found of Object.values(envelope?.errors ?? {})) {
      if (Array.isArray(found)) lines.push(...found.map(String));
      else if (typeof found === 'object' && found !== null) lines.push(...fieldLines(found as Record<string, unknown>, labels));
    }
    return lines.length > 0 ? lines : [`The service answered ${status}${envelope ? ` ${envelope.status}` : ''}.`];
  }
  // fetch rejects with a TypeError when the service cannot be reached at all.
  if (error instanceof TypeError) return ['The service could not be reached: check the connection and try again.'];
  return [error instanceof Error ? error.message : String(error)];
}
