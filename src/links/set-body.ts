import { Type, type TSchema } from '@sinclair/typebox';
import { Id, Input } from '../http/schemas.js';
import { endNoun, linkFields, optionalFields, otherSide, type LinkModel, type Side } from './link-model.js';
import type { LinkTarget } from './link-set.js';
import { linkedTo } from './linked-to.js';

export const MAX_SET_SIZE = 1000;

/**
 * The body of a `PUT` of the rows linked to one row of `from`, from the declaration: the other end's
 * ids (`{"tag_ids":[…]}`), or, when the link has fields, its rows with their fields
 * (`{"teams":[{"team_id":1,"is_training":true}]}`). Each id once: a second one is a 422. Named for the
 * end's collection (`ItemTags`).
 */
export function setBody(model: LinkModel, from: Side) {
  const far = model[otherSide(from)];
  const withFields = linkFields(model).length > 0;
  const key = withFields ? far.name : `${far.column}s`;
  const entry: TSchema = withFields ? Input({ [far.column]: Id, ...optionalFields(model) }) : Id;
  const schema = Input(
    {
      [key]: Type.Array(entry, {
        maxItems: MAX_SET_SIZE,
        description: `Every one of the ${far.name} to be linked (at most ${MAX_SET_SIZE}); links to the others are removed.`,
      }),
    },
    endNoun(model, from),
  );
  return {
    schema,
    targets(body: Record<string, unknown>): LinkTarget[] {
      const given = body[key] as unknown[];
      const entries = withFields ? (given as Record<string, unknown>[]) : given.map((id) => ({ [far.column]: id }));
      return linkedTo(key, far.column, entries);
    },
  };
}
