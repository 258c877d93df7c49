import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from '../http/send-json.js';
import { principal, type AuthRequirement, type Principal } from '../auth/authenticate.js';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { HttpError } from '../http/http-error.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import type { Executor } from '../database/prepared.js';
import { pageBy } from '../http/offset-pagination.js';
import { described, IdParams } from '../http/schemas.js';
import { listQuery } from '../lists/list-query.js';
import type { LinkEnds } from './link-ends.js';
import { endNoun, otherSide, pairNoun, plainFields, type LinkModel, type LinkRowOf, type Side } from './link-model.js';
import type { LinkChange } from './link-set.js';
import { setBody } from './set-body.js';
import type { Extras, LinkOptions, LinkRefusal, LinkService } from './link-service.js';

/** The pair named by a link path: the left end's id and the right end's. */
export interface LinkIds {
  left: number;
  right: number;
}

interface Answer<Result> {
  summary: string;
  response: TSchema;
  /**
   * What the answer needs besides the link row, read with the outcome (the tag's JSON, say): SQL of
   * the pair's ids, so that the whole request stays within two statements.
   */
  extras?: Extras;
  /** The answer's body: an object, or JSON text the database wrote (sent as it is). */
  send(ids: LinkIds, result: Result, extras: Record<string, unknown>): unknown;
  /** Who may: the token the verb needs. A pair with an `owner` also checks the caller's right to the rows. */
  auth?: AuthRequirement;
}

/**
 * One end's view of the other (`/item/{item_id}/tag`): `GET` lists the linked rows, `PUT` sets them
 * and answers with the row of this end, `send(id)`. Who may set: `authorize` checks the caller's right
 * to the row before anything is read; `allow` sees the change (a removal needs the right to unlink).
 */
export interface EndRoutes {
  path: string;
  set?: {
    response: TSchema;
    send(id: number): Promise<unknown>;
    auth?: AuthRequirement;
    authorize?(caller: Principal, id: number): Promise<void>;
    allow?(caller: Principal, change: LinkChange): void;
  };
}

/**
 * The link endpoints of one pair, as the contract words them: the paths (each with `:<left column>`
 * and `:<right column>`), the refusal messages, and for each verb offered what it answers; then each
 * end's collection of the other (`ends`), listed with `paging`'s parameters. The status codes and the
 * checks are the mechanism's: 201/200 for a new/existing link, 404 for a missing end or link, 400 for
 * ends of different scopes, 403 for a caller who does not own them (a pair with an `owner`). So are the operations' names, from the declaration's nouns: `linkItemTag`,
 * `getTeamHero`, `updateHeroTeam`, `unlinkItemTag` (the end named first in the path first), and
 * `listItemTags`, `setItemTags` for an end's collection. Linking is a create: it takes an `Idempotency-Key`.
 */
export interface LinkRoutesSpec<Row> {
  paths: string[];
  tags: string[];
  refusals: Partial<Record<LinkRefusal, string>>;
  link?: Answer<Row> & { body?: TSchema };
  read?: Answer<Row>;
  update?: Answer<Row> & { body: TSchema };
  unlink?: Answer<Row>;
  paging: TObject;
  ends: Partial<Record<Side, EndRoutes>>;
}

const answer = (reply: FastifyReply, status: number, body: unknown) =>
  typeof body === 'string' ? sendJson(reply, body, status) : reply.code(status).send(body);

const STATUS: Record<LinkRefusal, number> = { no_left: 404, no_right: 404, not_linked: 404, other_scope: 400, forbidden: 403 };

interface Deps<M extends LinkModel> {
  service: LinkService<M>;
  ends: LinkEnds;
  spec: LinkRoutesSpec<LinkRowOf<M>>;
  idempotent: Idempotent;
}

export async function linkRoutes<M extends LinkModel>(app: App, { service, ends, spec, idempotent }: Deps<M>) {
  const { left, right } = service.model;
  const params = IdParams(left.column, right.column);
  const refuse = (refusal: LinkRefusal) => new HttpError(STATUS[refusal], spec.refusals[refusal]);
  /** The operation's name: the verb, then the pair as the path names it (`linkItemTag`, `linkTeamHero`). */
  const operationId = (verb: string, url: string) =>
    verb + pairNoun(service.model, url.indexOf(`:${left.column}`) < url.indexOf(`:${right.column}`) ? 'left' : 'right');
  const options = (
    verb: string,
    url: string,
    answer: Answer<never>,
    codes: Record<number, TSchema>,
    body?: TSchema,
    headers?: TSchema,
  ) => ({
    config: { auth: answer.auth } as FastifyContextConfig,
    schema: {
      operationId: operationId(verb, url),
      tags: spec.tags,
      summary: answer.summary,
      params,
      ...(headers ? { headers } : {}),
      ...(body ? { body } : {}),
      response: {
        ...codes,
        ...errors(...(spec.refusals.other_scope ? [400] : []), ...(spec.refusals.forbidden && answer.auth ? [403] : [])),
      },
    },
  });
  const idsOf = (request: FastifyRequest): LinkIds => {
    const p = request.params as Record<string, number>;
    return { left: p[left.column]!, right: p[right.column]! };
  };
  /** How an operation runs: as its caller, reading what its answer needs with the outcome (compiled once). */
  const optionsOf = (answer: Answer<never>) => {
    const outcome = service.outcome(answer.extras);
    return (request: FastifyRequest, executor?: Executor): LinkOptions => ({
      caller: request.principal,
      outcome,
      ...(executor ? { executor } : {}),
    });
  };

  const [one, other] = [left.singular, right.singular];
  for (const url of spec.paths) {
    const { link, read, update, unlink } = spec;
    if (link) {
      const response = {
        200: described(link.response, `The ${one} and the ${other} were linked already: nothing changed.`),
        201: described(link.response, `The ${one} and the ${other} are linked now.`),
      };
      const as = optionsOf(link);
      app.post(url, options('link', url, link, response, link.body, IdempotencyHeaders), async (request, reply) => {
        const ids = idsOf(request);
        return idempotent(request, reply, async (executor) => {
          const values = (request.body ?? {}) as Record<string, unknown>;
          const result = await service.link(ids.left, ids.right, values, as(request, executor));
          if (typeof result === 'string') throw refuse(result);
          return { status: result.created ? 201 : 200, body: link.send(ids, result.row, result.extras) };
        });
      });
    }
    if (read) {
      const response = { 200: described(read.response, `The link of the ${one} and the ${other}.`) };
      app.get(url, options('get', url, read, response), async (request, reply) => {
        const ids = idsOf(request);
        const result = await service.get(ids.left, ids.right);
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, read.send(ids, result, {}));
      });
    }
    if (update) {
      const response = { 200: described(update.response, `The link, with the fields given changed.`) };
      const as = optionsOf(update);
      app.patch(url, options('update', url, update, response, update.body), async (request, reply) => {
        const ids = idsOf(request);
        const result = await service.update(ids.left, ids.right, request.body as Record<string, unknown>, as(request));
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, update.send(ids, result.row, result.extras));
      });
    }
    if (unlink) {
      const response = { 200: described(unlink.response, `The ${one} and the ${other} are not linked any more.`) };
      const as = optionsOf(unlink);
      app.delete(url, options('unlink', url, unlink, response), async (request, reply) => {
        const ids = idsOf(request);
        const result = await service.unlink(ids.left, ids.right, as(request));
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, unlink.send(ids, result.row, result.extras));
      });
    }
  }
  for (const side of ['left', 'right'] as const) {
    const end = spec.ends[side];
    if (end) endRoutes(app, side, end, ends, spec);
  }
}

/** A row of a link's other end as listed: its named shape, plus the link's fields when it has some. */
function listed(shape: TObject, model: LinkModel): TSchema {
  const fields = plainFields(model);
  if (fields.length === 0 && shape.$id) return Type.Ref(shape.$id);
  return Type.Object({ ...shape.properties, ...Object.fromEntries(fields) });
}

/** `GET` and `PUT` of the other end's rows linked to one row of `from`. */
function endRoutes<Row>(app: App, from: Side, end: EndRoutes, ends: LinkEnds, spec: LinkRoutesSpec<Row>) {
  const near = ends.model[from];
  const far = ends.model[otherSide(from)];
  const params = IdParams(near.column);
  const missing = spec.refusals[from === 'left' ? 'no_left' : 'no_right'];
  const query = listQuery(ends.lists[otherSide(from)], { paging: spec.paging, through: ends.model });
  const idOf = (request: FastifyRequest) => (request.params as Record<string, number>)[near.column]!;

  app.get(
    end.path,
    {
      schema: {
        operationId: `list${endNoun(ends.model, from)}`,
        tags: spec.tags,
        summary: `The ${far.name} linked to one of the ${near.name}, paginated and filtered as lists of ${far.name} are`,
        params,
        querystring: query.schema,
        response: {
          200: Type.Array(listed(ends.lists[otherSide(from)].shape, ends.model), {
            description: `A page of the ${far.name} linked to the ${near.singular}.`,
          }),
        },
      },
    },
    async (request, reply) => {
      const filters = query.parse(request.query as Record<string, unknown>);
      return pageBy(request.query, reply, async (page) => {
        const result = await ends.list(from, idOf(request), page, filters);
        if (!result.found) throw new HttpError(404, missing);
        return result;
      });
    },
  );

  const set = end.set;
  if (!set) return;
  const body = setBody(ends.model, from);
  const refusals = { ...spec.refusals, not_linked: undefined };
  app.put(
    end.path,
    {
      config: { auth: set.auth } as FastifyContextConfig,
      schema: {
        operationId: `set${endNoun(ends.model, from)}`,
        tags: spec.tags,
        summary: `Make the ${far.name} linked to one of the ${near.name} exactly these, in one transaction`,
        params,
        body: body.schema,
        response: {
          200: described(set.response, `The ${near.singular}, linked to exactly these ${far.name} now.`),
          ...errors(404, ...(spec.refusals.other_scope ? [400] : []), ...(set.authorize || set.allow ? [403] : [])),
        },
      },
    },
    async (request, reply) => {
      const id = idOf(request);
      const targets = body.targets(request.body as Record<string, unknown>);
      const caller = set.auth ? principal(request) : undefined;
      if (set.authorize && caller) await set.authorize(caller, id);
      const result = await ends.set(from, id, targets, (change) => caller && set.allow?.(caller, change));
      if (typeof result === 'string') throw new HttpError(STATUS[result], refusals[result]);
      return answer(reply, 200, await set.send(id));
    },
  );
}
