import { Type } from '@sinclair/typebox';
import { errors } from '../http/error-responses.js';
import { badRequest, found, notFound } from '../http/http-error.js';
import { PageQuery, toPage } from '../http/pagination.js';
import { listQuery } from '../lists/list-query.js';
import { sendList } from '../lists/send-list.js';
import { tagList } from './list.js';
import { sendJson } from '../http/send-json.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import type { App } from '../http/app-types.js';
import { principal } from '../auth/authenticate.js';
import { mayChange } from '../auth/permissions.js';
import type { Ownership } from '../stores/ownership.js';
import type { TagRepository } from './repository.js';
import { Tag, TagCreate } from './schemas.js';

const tags = ['tags'];
const StoreParams = IdParams('store_id');
const TagParams = IdParams('tag_id');
const TagsQuery = listQuery(tagList, { paging: PageQuery, topLevel: true });
const StoreTagsQuery = listQuery(tagList, { paging: PageQuery });

export async function tagRoutes(app: App, deps: { tags: TagRepository; owners: Ownership; idempotent: Idempotent }) {
  app.get(
    '/tag',
    {
      schema: {
        operationId: 'listTags',
        tags,
        summary: 'List tags, filtered and sorted',
        querystring: TagsQuery.schema,
        response: { 200: Type.Array(ref(Tag), { description: 'A page of tags.' }) },
      },
    },
    async (request, reply) => {
      const filters = TagsQuery.parse(request.query);
      return sendList(reply, request.query, await deps.tags.list(toPage(request.query), filters));
    },
  );

  app.get(
    '/store/:store_id/tag',
    {
      schema: {
        operationId: 'listStoreTags',
        tags,
        summary: "List a store's tags, filtered and sorted",
        params: StoreParams,
        querystring: StoreTagsQuery.schema,
        response: { 200: Type.Array(ref(Tag), { description: "A page of the store's tags." }) },
      },
    },
    async (request, reply) => {
      const filters = StoreTagsQuery.parse(request.query);
      const page = await deps.tags.list(toPage(request.query), filters, request.params.store_id);
      return sendList(reply, request.query, page, 'Store not found.');
    },
  );

  app.post(
    '/store/:store_id/tag',
    {
      config: { auth: {} },
      schema: {
        operationId: 'createStoreTag',
        tags,
        summary: "Create a tag in a store (the store's owner or an admin)",
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: TagCreate,
        response: { 201: described(ref(Tag), 'The tag, created.'), ...errors(400, 403) },
      },
    },
    async (request, reply) => {
      mayChange(principal(request), await deps.owners.store(request.params.store_id), 'Store not found.');
      return deps.idempotent(request, reply, async (executor) => {
        const tag = await deps.tags.create(request.params.store_id, request.body.name, executor);
        if (tag === 'no_store') throw notFound('Store not found.');
        if (tag === 'duplicate') throw badRequest('A tag with that name already exists in that store.');
        return { status: 201, body: tag };
      });
    },
  );

  app.get(
    '/tag/:tag_id',
    {
      schema: { operationId: 'getTag', tags, summary: 'Get a tag', params: TagParams, response: { 200: described(ref(Tag), 'The tag.') } },
    },
    async (request, reply) => sendJson(reply, found(await deps.tags.json(request.params.tag_id), 'Tag not found.')),
  );

  app.delete(
    '/tag/:tag_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'deleteTag',
        tags,
        summary: "Delete a tag that no item is tagged with (its store's owner or an admin)",
        params: TagParams,
        response: { 202: described(ref(Message), 'The tag was deleted.'), ...errors(400, 403) },
      },
    },
    async (request, reply) => {
      mayChange(principal(request), await deps.owners.tag(request.params.tag_id), 'Tag not found.');
      const outcome = await deps.tags.remove(request.params.tag_id);
      if (outcome === 'missing') throw notFound('Tag not found.');
      if (outcome === 'linked') {
        throw badRequest('Could not delete tag. Make sure tag is not associated with any items, then try again.');
      }
      return reply.code(202).send({ message: 'Tag deleted.' });
    },
  );
}
