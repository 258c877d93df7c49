import type { Executor } from '../database/prepared.js';
import type { App } from '../http/app-types.js';
import { found } from '../http/http-error.js';
import type { Idempotent } from '../http/idempotency.js';
import { PageQuery } from '../http/pagination.js';
import { ref } from '../http/schemas.js';
import type { ItemRepository } from '../items/repository.js';
import { Item } from '../items/schemas.js';
import type { itemsTags } from '../links/items-tags.js';
import type { LinkEnds } from '../links/link-ends.js';
import type { Principal } from '../auth/authenticate.js';
import { mayChange } from '../auth/permissions.js';
import { linkRoutes, type LinkIds } from '../links/link-routes.js';
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
  const tag = async (id: number, executor?: Executor) => found(await tags.json(id, executor), 'Tag not found.');
  // Both ends are checked: the caller must be allowed to change the item's store and the tag's.
  const ownerOfBoth = {
    auth: {},
    async authorize(caller: Principal, ids: LinkIds) {
      const [item, tagOwner] = await Promise.all([owners.item(ids.left), owners.tag(ids.right)]);
      mayChange(caller, item, 'Item not found.');
      mayChange(caller, tagOwner, 'Tag not found.');
    },
  };
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
      refusals: {
        no_left: 'Item not found.',
        no_right: 'Tag not found.',
        other_scope: 'Make sure item and tag belong to the same store before linking.',
        not_linked: 'Item is not linked to that tag.',
      },
      link: {
        summary: 'Link an item with a tag of the same store (201 when made, 200 when it already existed)',
        response: ref(Tag),
        send: (ids, _row, executor) => tag(ids.right, executor),
        ...ownerOfBoth,
      },
      unlink: {
        summary: 'Unlink an item from a tag',
        response: ref(TagAndItem),
        // The item and the tag as the database wrote them, put together without parsing them again.
        send: async (ids) => {
          const [item, tagJson] = await Promise.all([items.json(ids.left), tag(ids.right)]);
          return `{"message":"Item removed from tag","item":${found(item, 'Item not found.')},"tag":${tagJson}}`;
        },
        ...ownerOfBoth,
      },
    },
  });
}
