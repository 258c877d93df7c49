import { Type } from '@sinclair/typebox';
import { errors } from '../http/error-responses.js';
import { found, notFound } from '../http/http-error.js';
import { PageQuery, setPagination, toPage } from '../http/pagination.js';
import { IdParams, Message, ref } from '../http/schemas.js';
import type { App } from '../http/app-types.js';
import type { ItemRepository } from './repository.js';
import { Item, ItemCreate, ItemUpdate } from './schemas.js';

const tags = ['items'];
const ItemParams = IdParams('item_id');

export async function itemRoutes(app: App, { items }: { items: ItemRepository }) {
  app.get(
    '/item',
    { schema: { tags, summary: 'List items', querystring: PageQuery, response: { 200: Type.Array(ref(Item)) } } },
    async (request, reply) => {
      const { rows, total } = await items.list(toPage(request.query));
      setPagination(reply, request.query, total);
      return rows;
    },
  );

  app.post(
    '/item',
    { schema: { tags, summary: 'Create an item in a store', body: ItemCreate, response: { 201: ref(Item), ...errors(404) } } },
    async (request, reply) => reply.code(201).send(found(await items.create(request.body), 'Store not found.')),
  );

  app.get(
    '/item/:item_id',
    { schema: { tags, summary: 'Get an item', params: ItemParams, response: { 200: ref(Item) } } },
    async (request) => found(await items.get(request.params.item_id), 'Item not found.'),
  );

  app.put(
    '/item/:item_id',
    {
      schema: {
        tags,
        summary: "Change an item's name or price",
        params: ItemParams,
        body: ItemUpdate,
        response: { 200: ref(Item) },
      },
    },
    async (request) => found(await items.update(request.params.item_id, request.body), 'Item not found.'),
  );

  app.delete(
    '/item/:item_id',
    {
      schema: { tags, summary: 'Delete an item and its tag links', params: ItemParams, response: { 200: ref(Message) } },
    },
    async (request) => {
      if (!(await items.remove(request.params.item_id))) throw notFound('Item not found.');
      return { message: 'Item deleted.' };
    },
  );
}
