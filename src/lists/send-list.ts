import type { FastifyReply } from 'fastify';
import { notFound } from '../http/http-error.js';
import { setPagination, type PageQuery } from '../http/pagination.js';
import { sendJson } from '../http/send-json.js';
import type { ListPage } from './read-list.js';

/** Sends a page of a list with its `X-Pagination`; a 404 with `missing` when the list's parent does not exist. */
export function sendList<T>(reply: FastifyReply, query: PageQuery, { json, total, found }: ListPage<T>, missing?: string) {
  if (!found) throw notFound(missing);
  setPagination(reply, query, total);
  return sendJson(reply, json);
}
