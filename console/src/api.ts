import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../client/openapi.js';
import type { Session } from './session.js';

/** The typed client generated from the service's OpenAPI document, sending through the session. */
export type Api = Client<paths>;
export type Schemas = components['schemas'];

export const createApi = (session: Session, baseUrl = ''): Api =>
  createClient<paths>({ baseUrl, fetch: (request) => session.fetch(request) });
