import { HttpError, type Envelope } from '../http/http-error.js';

/** flask-jwt-extended's `error` codes, which clients switch on. */
export type AuthErrorCode = 'authorization_required' | 'invalid_token' | 'token_expired' | 'fresh_token_required' | 'token_revoked';

/** A 401 in the envelope, with flask-jwt-extended's `error` code and a `WWW-Authenticate` challenge. */
export class AuthError extends HttpError {
  constructor(
    readonly error: AuthErrorCode,
    message: string,
  ) {
    super(401, message);
    this.headers = { 'www-authenticate': `Bearer error="${error === 'authorization_required' ? 'invalid_request' : 'invalid_token'}"` };
  }

  override toEnvelope(): Envelope {
    const { code, status, ...rest } = super.toEnvelope();
    return { code, status, error: this.error, ...rest };
  }
}
