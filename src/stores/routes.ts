import { Type } from '@sinclair/typebox';
import { errors } from '../http/error-responses.js';
import { badRequest, found, notFound } from '../http/http-error.js';
import { PageQuery, toPage } from '../http/pagination.js';
import { listQuery } from '../lists/list-query.js';
import { sendList } from '../lists/send-list.js';
import { storeList } from './list.js';
import { sendJson } from '../http/send-json.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import type { App } from '../http/app-types.js';
import { AuthError } from '../auth/auth-error.js';
import { principal } from '../auth/authenticate.js';
import { mayChange } from '../auth/permissions.js';
import type { Ownership } from './ownership.js';
import type { StoreRepository } from './repository.js';
import { Store, StoreCreate } from './schemas.js';

const tags = ['stores'];
const StoreParams = IdParams('store_id');
const StoresQuery = listQuery(storeList, { paging: PageQuery, topLevel: true });

interface Deps {
  stores: StoreRepository;
  owners: Ownership;
  idempotent: Idempotent;
}

export async function storeRoutes(app: App, { stores, owners, idempotent }: Deps) {
  app.get(
    '/store',
    {
      schema: {
        operationId: 'listStores',
        tags,
        summary: 'List stores, filtered and sorted',
        querystring: StoresQuery.schema,
        response: { 200: Type.Array(ref(Store), { description: 'A page of stores.' }) },
      },
    },
    async (request, reply) => {
      const filters = StoresQuery.parse(request.query);
      return sendList(reply, request.query, await stores.list(toPage(request.query), filters));
    },
  );

  app.post(
    '/store',
    {
      config: { auth: {} },
      schema: {
        operationId: 'createStore',
        tags,
        summary: 'Create a store, owned by the caller',
        headers: IdempotencyHeaders,
        body: StoreCreate,
        response: { 201: described(ref(Store), 'The store, created.'), ...errors(400) },
      },
    },
    async (request, reply) =>
      idempotent(request, reply, async (executor) => {
        const store = await stores.create(request.body.name, principal(request).id, executor);
        if (store === 'duplicate') throw badRequest('A store with that name already exists.');
        if (store === 'no_owner') throw new AuthError('invalid_token', "The token's user no longer exists.");
        return { status: 201, body: store };
      }),
  );

  app.get(
    '/store/:store_id',
    {
      schema: {
        operationId: 'getStore',
        tags,
        summary: 'Get a store',
        params: StoreParams,
        response: { 200: described(ref(Store), 'The store.') },
      },
    },
    async (request, reply) => sendJson(reply, found(await stores.json(request.params.store_id), 'Store not found.')),
  );

  app.delete(
    '/store/:store_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'deleteStore',
        tags,
        summary: 'Delete a store with its items, tags and their links (its owner or an admin)',
        params: StoreParams,
        response: { 200: described(ref(Message), 'The store was deleted.'), ...errors(403) },
      },
    },
    async (request) => {
      const { store_id } = request.params;
      mayChange(principal(request), await owners.store(store_id), 'Store not found.');
      if (!(await stores.remove(store_id))) throw notFound('Store not found.');
      return { message: 'Store deleted' };
    },
  );
}
