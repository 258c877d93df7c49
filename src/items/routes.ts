import { Type } from '@sinclair/typebox';
import { errors } from '../http/error-responses.js';
import { found, notFound } from '../http/http-error.js';
import { PageQuery, toPage } from '../http/pagination.js';
import { sendJson } from '../http/send-json.js';
import { listQuery } from '../lists/list-query.js';
import { sendList } from '../lists/send-list.js';
import { PlainItem } from './plain.js';
import { itemList } from './list.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import type { App } from '../http/app-types.js';
import { principal } from '../auth/authenticate.js';
import { mayChange } from '../auth/permissions.js';
import type { Ownership } from '../stores/ownership.js';
import type { ItemRepository } from './repository.js';
import { Item, ItemCreate, ItemUpdate } from './schemas.js';

const tags = ['items'];
const ItemParams = IdParams('item_id');
const StoreParams = IdParams('store_id');
const ItemsQuery = listQuery(itemList, { paging: PageQuery, topLevel: true });
const StoreItemsQuery = listQuery(itemList, { paging: PageQuery });

interface Deps {
  items: ItemRepository;
  owners: Ownership;
  idempotent: Idempotent;
}

export async function itemRoutes(app: App, { items, owners, idempotent }: Deps) {
  app.get(
    '/item',
    {
      schema: {
        operationId: 'listItems',
        tags,
        summary: 'List items, filtered and sorted',
        querystring: ItemsQuery.schema,
        response: { 200: Type.Array(ref(Item), { description: 'A page of items.' }) },
      },
    },
    async (request, reply) => {
      const filters = ItemsQuery.parse(request.query);
      return sendList(reply, request.query, await items.list(toPage(request.query), filters));
    },
  );

  app.get(
    '/store/:store_id/item',
    {
      schema: {
        operationId: 'listStoreItems',
        tags,
        summary: "List a store's items, filtered and sorted",
        params: StoreParams,
        querystring: StoreItemsQuery.schema,
        response: { 200: Type.Array(ref(PlainItem), { description: "A page of the store's items." }) },
      },
    },
    async (request, reply) => {
      const filters = StoreItemsQuery.parse(request.query);
      const page = await items.ofStore(request.params.store_id, toPage(request.query), filters);
      return sendList(reply, request.query, page, 'Store not found.');
    },
  );

  app.post(
    '/item',
    {
      // A fresh token, as in the original: a refreshed one is not enough to add stock.
      config: { auth: { fresh: true } },
      schema: {
        operationId: 'createItem',
        tags,
        summary: "Create an item in a store (the store's owner or an admin; a fresh token)",
        headers: IdempotencyHeaders,
        body: ItemCreate,
        response: { 201: described(ref(Item), 'The item, created.'), ...errors(403, 404) },
      },
    },
    async (request, reply) => {
      mayChange(principal(request), await owners.store(request.body.store_id), 'Store not found.');
      return idempotent(request, reply, async (executor) => ({
        status: 201,
        body: found(await items.create(request.body, executor), 'Store not found.'),
      }));
    },
  );

  app.get(
    '/item/:item_id',
    {
      schema: {
        operationId: 'getItem',
        tags,
        summary: 'Get an item',
        params: ItemParams,
        response: { 200: described(ref(Item), 'The item.') },
      },
    },
    async (request, reply) => sendJson(reply, found(await items.json(request.params.item_id), 'Item not found.')),
  );

  app.put(
    '/item/:item_id',
    {
      schema: {
        operationId: 'updateItem',
        tags,
        summary: "Change an item's name or price (its store's owner or an admin)",
        params: ItemParams,
        body: ItemUpdate,
        response: { 200: described(ref(Item), 'The item, changed.'), ...errors(403) },
      },
      config: { auth: {} },
    },
    async (request) => {
      mayChange(principal(request), await owners.item(request.params.item_id), 'Item not found.');
      return found(await items.update(request.params.item_id, request.body), 'Item not found.');
    },
  );

  app.delete(
    '/item/:item_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'deleteItem',
        tags,
        summary: "Delete an item and its tag links (its store's owner or an admin)",
        params: ItemParams,
        response: { 200: described(ref(Message), 'The item was deleted.'), ...errors(403) },
      },
    },
    async (request) => {
      mayChange(principal(request), await owners.item(request.params.item_id), 'Item not found.');
      if (!(await items.remove(request.params.item_id))) throw notFound('Item not found.');
      return { message: 'Item deleted.' };
    },
  );
}
