import type { TSchema } from '@sinclair/typebox';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from '../http/send-json.js';
import { principal, type AuthRequirement, type Principal } from '../auth/authenticate.js';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { HttpError } from '../http/http-error.js';
import { IdParams } from '../http/schemas.js';
import type { LinkRefusal, LinkRow, LinkService } from './link-service.js';

/** The pair named by a link path: the left end's id and the right end's. */
export interface LinkIds {
  left: number;
  right: number;
}

interface Answer<Result> {
  summary: string;
  response: TSchema;
  /** The answer's body: an object, or JSON text the database wrote (sent as it is). */
  send(ids: LinkIds, result: Result): unknown;
  /** Who may: the token the verb needs, and a check of the caller's right to these two rows. */
  auth?: AuthRequirement;
  authorize?(caller: Principal, ids: LinkIds): Promise<void>;
}

/**
 * The link endpoints of one pair, as the contract words them: the paths (each with `:<left column>`
 * and `:<right column>`), the refusal messages, and for each verb offered what it answers. The
 * status codes and the checks are the mechanism's: 201/200 for a new/existing link, 404 for a missing
 * end or link, 400 for ends of different scopes.
 */
export interface LinkRoutesSpec {
  paths: string[];
  tags: string[];
  refusals: Partial<Record<LinkRefusal, string>>;
  link?: Answer<LinkRow> & { body?: TSchema };
  read?: Answer<LinkRow>;
  update?: Answer<LinkRow> & { body: TSchema };
  unlink?: Answer<true>;
}

const answer = (reply: FastifyReply, status: number, body: unknown) =>
  typeof body === 'string' ? sendJson(reply, body, status) : reply.code(status).send(body);

const STATUS: Record<LinkRefusal, number> = { no_left: 404, no_right: 404, not_linked: 404, other_scope: 400 };

export async function linkRoutes(app: App, { service, spec }: { service: LinkService; spec: LinkRoutesSpec }) {
  const { left, right } = service.model;
  const params = IdParams(left.column, right.column);
  const idsOf = (p: Record<string, number>): LinkIds => ({ left: p[left.column]!, right: p[right.column]! });
  const refuse = (refusal: LinkRefusal) => new HttpError(STATUS[refusal], spec.refusals[refusal]);
  const options = (answer: Answer<never>, codes: Record<number, TSchema>, body?: TSchema) => ({
    config: { auth: answer.auth } as FastifyContextConfig,
    schema: {
      tags: spec.tags,
      summary: answer.summary,
      params,
      ...(body ? { body } : {}),
      response: {
        ...codes,
        ...errors(...(spec.refusals.other_scope ? [400] : []), ...(answer.authorize ? [403] : [])),
      },
    },
  });
  /** The ids of the request, once the caller has been allowed to touch them. */
  const allowed = async (answer: Answer<never>, request: FastifyRequest) => {
    const ids = idsOf(request.params as Record<string, number>);
    if (answer.authorize) await answer.authorize(principal(request), ids);
    return ids;
  };

  for (const url of spec.paths) {
    const { link, read, update, unlink } = spec;
    if (link) {
      const response = { 200: link.response, 201: link.response };
      app.post(url, options(link, response, link.body), async (request, reply) => {
        const ids = await allowed(link, request);
        const result = await service.link(ids.left, ids.right, (request.body ?? {}) as Record<string, unknown>);
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, result.created ? 201 : 200, await link.send(ids, result.row));
      });
    }
    if (read) {
      app.get(url, options(read, { 200: read.response }), async (request, reply) => {
        const ids = await allowed(read, request);
        const result = await service.get(ids.left, ids.right);
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, await read.send(ids, result));
      });
    }
    if (update) {
      app.patch(url, options(update, { 200: update.response }, update.body), async (request, reply) => {
        const ids = await allowed(update, request);
        const result = await service.update(ids.left, ids.right, request.body as Record<string, unknown>);
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, await update.send(ids, result));
      });
    }
    if (unlink) {
      app.delete(url, options(unlink, { 200: unlink.response }), async (request, reply) => {
        const ids = await allowed(unlink, request);
        const result = await service.unlink(ids.left, ids.right);
        if (typeof result === 'string') throw refuse(result);
        return answer(reply, 200, await unlink.send(ids, result));
      });
    }
  }
}
