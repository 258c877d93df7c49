import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface SuperviseOptions {
  workers: number;
  /** The entry point each worker runs (it serves the port, as a worker, when `cluster.isWorker`). */
  exec: string;
  logger: Logger;
  /** How long the workers have to stop after SIGTERM before they are killed (theirs, plus a margin). */
  graceMs: number;
}

/** A worker that dies sooner than this after it started counts as a crash loop, and waits longer each time. */
const QUICK_DEATH_MS = 5_000;
const FIRST_BACK_OFF_MS = 100;
const MAX_BACK_OFF_MS = 10_000;

/**
 * The primary of `junction serve --workers N`: starts N workers that share the port (node:cluster hands
 * each new connection to the next worker), replaces a worker that dies (at once, or after a back-off
 * that doubles while replacements keep dying young), and on SIGTERM or SIGINT asks every worker to stop
 * gracefully and exits 0 once they all have. A worker that fails before the first N all listen (a port
 * in use, a bad setting) stops the service: a replacement would fail the same way.
 *
 * Resolves once the workers listen; the process then lives until they stop.
 */
export function supervise({ workers, exec, logger, graceMs }: SuperviseOptions): Promise<void> {
  cluster.setupPrimary({ exec, args: [] });
  const started = new Map<Worker, number>();
  let listening = 0;
  let quickDeaths = 0;
  let stopping = false;
  let failed = false;
  const replacements = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
    logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker started');
  };

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const timer of replacements) clearTimeout(timer);
    logger.info({ signal, workers: started.size }, 'stopping the workers');
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error('workers did not stop in time; killing them');
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
    }, graceMs).unref();
  };

  return new Promise((resolve, reject) => {
    cluster.on('listening', () => {
      if (++listening === workers) resolve();
    });

    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (started.get(worker) ?? 0);
      started.delete(worker);
      const exit = { worker: worker.id, workerPid: worker.process.pid, code, signal };
      if (stopping || failed) {
        if (code !== 0) process.exitCode = 1;
        if (started.size === 0) logger.info({ exitCode: process.exitCode ?? 0 }, 'stopped');
        return;
      }
      if (listening < workers) {
        failed = true;
        process.exitCode = 1;
        logger.error(exit, 'a worker failed to start; stopping');
        for (const other of started.keys()) other.process.kill('SIGTERM');
        reject(new Error(`worker ${worker.id} exited (${signal ?? `code ${code}`}) before the service started`));
        return;
      }
      quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
      const delay = quickDeaths === 0 ? 0 : Math.min(FIRST_BACK_OFF_MS * 2 ** (quickDeaths - 1), MAX_BACK_OFF_MS);
      logger.error({ ...exit, replaceInMs: delay }, 'worker died; replacing it');
      const timer = setTimeout(() => {
        replacements.delete(timer);
        fork();
      }, delay);
      replacements.add(timer);
    });

    process.on('SIGTERM', stopAll);
    process.on('SIGINT', stopAll);
    for (let i = 0; i < workers; i++) fork();
  });
}
