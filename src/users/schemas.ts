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

export const Tokens = Type.Object(
  {
    access_token: Type.String({ description: 'A JWT for `Authorization: Bearer …`, valid 15 minutes.' }),
    refresh_token: Type.String({ description: 'A JWT for POST /refresh, valid 30 days and once.' }),
  },
  { $id: 'Tokens', description: 'An access token and a refresh token.' },
);
