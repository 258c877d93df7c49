import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The admin every started service has (ADMIN_USERNAME/ADMIN_PASSWORD), and its signing key. */
export const SERVICE_ENV = {
  JWT_SECRET: 'the secret of the services that tests start, 32+ bytes',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'admin password',
};

export interface Running {
  child: ChildProcess;
  url: string;
  /** A fresh access token of the service's admin. */
  adminToken(): Promise<string>;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs a TypeScript entry point of src/ as its own process (through tsx), with `env` added. */
export function runTs(entry: string, args: string[], env: Record<string, string>, options: { uid?: number; gid?: number } = {}) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

/** Collects a process's output and resolves with its exit code. */
export function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Starts the service on a free port and resolves once it listens. */
export function startServer(env: Record<string, string>): Promise<Running> {
  return startService(env);
}

export interface ServiceOptions {
  /** The entry point and its arguments: `src/server.ts` (what `npm start` runs) unless given. */
  entry?: string;
  args?: string[];
  /** How many processes must say they listen (each worker of `--workers` does). */
  listening?: number;
}

/** Starts the service on a free port and resolves once `listening` of its processes listen. */
export function startService(
  env: Record<string, string>,
  { entry = 'src/server.ts', args = [], listening = 1 }: ServiceOptions = {},
): Promise<Running> {
  const child = runTs(entry, args, { PORT: '0', LOG_LEVEL: 'info', ...SERVICE_ENV, ...env });
  // A test that fails before it stops its server must not leave the server running after the tests.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const matches = [...output.matchAll(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/g)];
      const match = matches[0];
      if (match && matches.length >= listening) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.on('data', (more) => (output += more));
        child.stderr?.on('data', (more) => (output += more));
        resolve({
          child,
          url: match[1]!,
          adminToken: async () => {
            const response = await fetch(`${match[1]}/login`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: SERVICE_ENV.ADMIN_USERNAME, password: SERVICE_ENV.ADMIN_PASSWORD }),
            });
            return ((await response.json()) as { access_token: string }).access_token;
          },
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}
