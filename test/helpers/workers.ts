import http from 'node:http';
import type { Running } from './process.js';

/** A JSON log line of a service, with the fields the tests of `--workers` read. */
export interface LogLine {
  msg: string;
  pid: number;
  worker?: number;
  workerPid?: number;
  sql?: string;
  workers?: number;
  migrationsApplied?: string[];
  req?: { method: string; url: string };
}

/** The JSON log lines a service has written so far. */
export const logLines = (service: Running): LogLine[] =>
  service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/** A request on a connection of its own: node:cluster hands each new connection to the next worker. */
export function onNewConnection(
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: object } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = http.request(url, { method, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    sent.on('error', reject);
    sent.end(body ? JSON.stringify(body) : undefined);
  });
}
