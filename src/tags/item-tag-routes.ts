import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { badRequest, found, HttpError, notFound } from '../http/http-error.js';
import { IdParams, ref } from '../http/schemas.js';
import type { ItemRepository } from '../items/repository.js';
import type { itemTagLinks, LinkOutcome, UnlinkOutcome } from './item-tag-links.js';
import type { TagRepository } from './repository.js';
import { Tag, TagAndItem } from './schemas.js';

const tags = ['tags'];
const LinkParams = IdParams('item_id', 'tag_id');

const REFUSALS: Record<Exclude<LinkOutcome | UnlinkOutcome, 'created' | 'existed' | 'unlinked'>, () => HttpError> = {
  no_item: () => notFound('Item not found.'),
  no_tag: () => notFound('Tag not found.'),
  other_store: () => badRequest('Make sure item and tag belong to the same store before linking.'),
  not_linked: () => notFound('Item is not linked to that tag.'),
};

interface Deps {
  links: ReturnType<typeof itemTagLinks>;
  items: ItemRepository;
  tags: TagRepository;
}

export async function itemTagRoutes(app: App, deps: Deps) {
  app.post(
    '/item/:item_id/tag/:tag_id',
    {
      schema: {
        tags,
        summary: 'Link an item with a tag of the same store',
        description: '201 when the link is made, 200 when it already existed.',
        params: LinkParams,
        response: { 200: ref(Tag), 201: ref(Tag), ...errors(400) },
      },
    },
    async (request, reply) => {
      const { item_id, tag_id } = request.params;
      const outcome = await deps.links.link(item_id, tag_id);
      if (outcome !== 'created' && outcome !== 'existed') throw REFUSALS[outcome]();
      return reply.code(outcome === 'created' ? 201 : 200).send(found(await deps.tags.get(tag_id), 'Tag not found.'));
    },
  );

  app.delete(
    '/item/:item_id/tag/:tag_id',
    {
      schema: {
        tags,
        summary: 'Unlink an item from a tag',
        params: LinkParams,
        response: { 200: ref(TagAndItem) },
      },
    },
    async (request) => {
      const { item_id, tag_id } = request.params;
      const outcome = await deps.links.unlink(item_id, tag_id);
      if (outcome !== 'unlinked') throw REFUSALS[outcome]();
      const [item, tag] = await Promise.all([deps.items.get(item_id), deps.tags.get(tag_id)]);
      return { message: 'Item removed from tag', item: found(item, 'Item not found.'), tag: found(tag, 'Tag not found.') };
    },
  );
}
