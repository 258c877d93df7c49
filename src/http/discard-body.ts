import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and dropped, and for how long, before the connection is closed. */
const DISCARD_BYTES = 64 * 1024 * 1024;
const DISCARD_MS = 10_000;

/**
 * Reads the rest of a request body and drops it. A client that is still sending a body the server
 * refused (413) reads no answer if the connection closes under it (it sees EPIPE or a reset); once the
 * body is in, the answer arrives. Resolves at the body's end, or after the bounds above.
 */
export function discardBody(request: IncomingMessage): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const done = () => {
      clearTimeout(timer);
      request.removeListener('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > DISCARD_BYTES) done();
    };
    const timer = setTimeout(done, DISCARD_MS);
    request.on('data', onData).once('end', done).once('close', done).once('error', done);
    request.resume();
  });
}
