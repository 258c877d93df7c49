import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { envelope } from './http-error.js';

/**
 * The router's own refusals, in the envelope. A path segment longer than the router reads cannot be
 * an id of anything (ids have at most 10 digits), so it names nothing: 404. A URL that cannot be
 * decoded (`/item/%FF`) is malformed: 400.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No hook has run: the request id is set here.
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(404).send(envelope(404, { message: 'The path names nothing.' }));
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send(envelope(400, { message: 'The URL is malformed: it has an invalid percent-encoding.' }));
    return;
  }
  void reply.code(500).send(envelope(500, { message: 'The server could not complete the request.' }));
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive.'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large.'],
};

/**
 * What the HTTP parser refuses before there is a request (malformed requests, headers too large,
 * requests that arrive too slowly), answered in the envelope on the raw socket, as Node itself does:
 * only when no answer to a request on that connection has started. The connection is then closed.
 * There is no request to log, but the answer has an id like every other.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request is malformed.'];
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const body = JSON.stringify(envelope(code, { message }));
    socket.write(
      `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
