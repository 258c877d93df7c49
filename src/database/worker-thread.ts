import { Worker } from 'node:worker_threads';

/**
 * Starts the worker thread whose module is `name` beside this file: built, `name.js`; run from the
 * TypeScript sources (tests, `npm run dev`), the worker registers tsx first, as its parent did.
 */
export function startWorkerThread(name: string, workerData: unknown): Worker {
  const entry = new URL(import.meta.url.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, import.meta.url);
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
