import { Type } from '@sinclair/typebox';
import { errors } from '../http/error-responses.js';
import { badRequest, found, notFound } from '../http/http-error.js';
import { PageQuery, setPagination, toPage } from '../http/pagination.js';
import { IdParams, Message, ref } from '../http/schemas.js';
import type { App } from '../http/app-types.js';
import type { StoreRepository } from './repository.js';
import { Store, StoreCreate } from './schemas.js';

const tags = ['stores'];
const StoreParams = IdParams('store_id');

export async function storeRoutes(app: App, { stores }: { stores: StoreRepository }) {
  app.get(
    '/store',
    { schema: { tags, summary: 'List stores', querystring: PageQuery, response: { 200: Type.Array(ref(Store)) } } },
    async (request, reply) => {
      const { rows, total } = await stores.list(toPage(request.query));
      setPagination(reply, request.query, total);
      return rows;
    },
  );

  app.post(
    '/store',
    { schema: { tags, summary: 'Create a store', body: StoreCreate, response: { 201: ref(Store), ...errors(400) } } },
    async (request, reply) => {
      const store = await stores.create(request.body.name);
      if (store === 'duplicate') throw badRequest('A store with that name already exists.');
      return reply.code(201).send(store);
    },
  );

  app.get(
    '/store/:store_id',
    { schema: { tags, summary: 'Get a store', params: StoreParams, response: { 200: ref(Store) } } },
    async (request) => found(await stores.get(request.params.store_id), 'Store not found.'),
  );

  app.delete(
    '/store/:store_id',
    {
      schema: {
        tags,
        summary: 'Delete a store with its items, tags and their links',
        params: StoreParams,
        response: { 200: ref(Message) },
      },
    },
    async (request) => {
      if (!(await stores.remove(request.params.store_id))) throw notFound('Store not found.');
      return { message: 'Store deleted' };
    },
  );
}
