import { Type, type Static } from '@sinclair/typebox';
import { Id, Input, Str } from '../http/schemas.js';

const Username = Str({ minLength: 1, maxLength: 80 });
// No minimum length beyond one character: the original had none, and its clients' passwords must still work.
// The maximum keeps hashing cheap for absurd inputs.
const Password = Str({ minLength: 1, maxLength: 256, writeOnly: true });

export const Credentials = Input({ username: Username, password: Password }, 'Credentials');
export type Credentials = Static<typeof Credentials>;

export const User = Type.Object({ id: Id, username: Username }, { $id: 'User' });
export type User = Static<typeof User>;

/** Who a token speaks for, and whether they may act as an admin (what a client needs to know what to offer). */
export const Me = Type.Object({ id: Id, username: Username, is_admin: Type.Boolean() }, { $id: 'Me' });

/** Signing out may name the refresh token too, so that one request revokes both (flask-jwt-extended's clients make two). */
export const LogoutBody = Input(
  { refresh_token: Type.Optional(Str({ maxLength: 4096, description: 'The refresh token of the same sign-in, to revoke as well' })) },
  'LogoutBody',
);

export const Tokens = Type.Object(
  {
    access_token: Type.String({ description: 'A JWT for `Authorization: Bearer …`, valid 15 minutes.' }),
    refresh_token: Type.String({ description: 'A JWT for POST /refresh, valid 30 days and once.' }),
  },
  { $id: 'Tokens', description: 'An access token and a refresh token.' },
);
