import type { App } from '../http/app-types.js';
import { found } from '../http/http-error.js';
import type { Idempotent } from '../http/idempotency.js';
import { PageQuery } from '../http/pagination.js';
import { ref } from '../http/schemas.js';
import type { ItemRepository } from '../items/repository.js';
import { Item } from '../items/schemas.js';
import type { itemsTags } from '../links/items-tags.js';
import type { LinkEnds } from '../links/link-ends.js';
import { mayChange } from '../auth/permissions.js';
import { linkRoutes } from '../links/link-routes.js';
import type { Ownership } from '../stores/ownership.js';
import type { LinkService } from '../links/link-service.js';
import type { TagRepository } from './repository.js';
import { Tag, TagAndItem } from './schemas.js';

interface Deps {
  links: LinkService<typeof itemsTags>;
  ends: LinkEnds;
  items: ItemRepository;
  tags: TagRepository;
  owners: Ownership;
  idempotent: Idempotent;
}

/**
 * Linking items and tags: the original's two endpoints, answered with the tag (and the item); and each
 * end's collection of the other, listed and set whole (`/item/{id}/tag`, `/tag/{id}/item`).
 */
export async function itemTagRoutes(app: App, { links, ends, items, tags, owners, idempotent }: Deps) {
  const tag = async (id: number) => found(await tags.json(id), 'Tag not found.');
  await linkRoutes(app, {
    service: links,
    ends,
    idempotent,
    spec: {
      paging: PageQuery,
      // Setting a row's links is linking and unlinking it: its store's owner or an admin. The rows it
      // links to are of the same store, or the set is refused.
      ends: {
        left: {
          path: '/item/:item_id/tag',
          set: {
            response: ref(Item),
            send: async (id) => found(await items.json(id), 'Item not found.'),
            auth: {},
            authorize: async (caller, id) => mayChange(caller, await owners.item(id), 'Item not found.'),
          },
        },
        right: {
          path: '/tag/:tag_id/item',
          set: {
            response: ref(Tag),
            send: tag,
            auth: {},
            authorize: async (caller, id) => mayChange(caller, await owners.tag(id), 'Tag not found.'),
          },
        },
      },
      paths: ['/item/:item_id/tag/:tag_id'],
      tags: ['tags'],
      // Both ends are checked: the caller must own the item's store and the tag's (or be an admin).
      refusals: {
        no_left: 'Item not found.',
        no_right: 'Tag not found.',
        other_scope: 'Make sure item and tag belong to the same store before linking.',
        not_linked: 'Item is not linked to that tag.',
        forbidden: 'Only the owner of that store or an admin may do that.',
      },
      link: {
        summary: 'Link an item with a tag of the same store (201 when made, 200 when it already existed)',
        response: ref(Tag),
        extras: { tag: (_item, tagId) => tags.jsonOf(tagId) },
        send: (_ids, _row, { tag }) => found(tag as string | undefined, 'Tag not found.'),
        auth: {},
      },
      unlink: {
        summary: 'Unlink an item from a tag',
        response: ref(TagAndItem),
        extras: { item: (itemId) => items.jsonOf(itemId), tag: (_item, tagId) => tags.jsonOf(tagId) },
        // The item and the tag as the database wrote them, put together without parsing them again.
        send: (_ids, _row, { item, tag }) =>
          `{"message":"Item removed from tag","item":${found(item as string | undefined, 'Item not found.')},"tag":${found(tag as string | undefined, 'Tag not found.')}}`,
        auth: {},
      },
    },
  });
}
