import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { finished, ROOT, SERVICE_ENV } from './helpers/process.js';

/** The newest modification time of the files under `folder`. */
function newest(folder: string): number {
  return Math.max(
    ...fs
      .readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.statSync(path.join(e.parentPath, e.name)).mtimeMs),
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });

describe('npm start', () => {
  beforeAll(() => {
    // `npm start` runs the build (npm ci made it); a build older than the source is made again.
    const built = path.join(ROOT, 'dist', 'server.js');
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest(path.join(ROOT, 'src'))) {
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    }
  }, 120_000);

  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-npm-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the service, not only npm, when npm gets %s',
    async (signal) => {
      const npm = spawn('npm', ['start'], {
        cwd: ROOT,
        env: { ...process.env, ...SERVICE_ENV, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exit = finished(npm);
      let output = '';
      const listening = new Promise<{ port: number; pid: number }>((resolve, reject) => {
        npm.stdout.on('data', (chunk) => {
          output += chunk;
          const line = output.split('\n').find((l) => l.includes('Server listening at'));
          if (line) {
            const { pid, msg } = JSON.parse(line) as { pid: number; msg: string };
            resolve({ pid, port: Number(/:(\d+)$/.exec(msg)![1]) });
          }
        });
        void exit.then(({ code, stderr }) => reject(new Error(`npm start exited with ${code}: ${output}${stderr}`)));
      });
      const { port, pid } = await listening;
      expect(pid).not.toBe(npm.pid);
      // The memory settings of the README's Memory paragraph, which only the command can give.
      expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=8');
      expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');

      try {
        npm.kill(signal);
        const code = await Promise.race([exit.then((result) => result.code), delay(20_000).then(() => 'still running')]);
        expect(code).toBe(0);
        expect(output).toContain(`"signal":"${signal}","msg":"shutting down"`);
        expect(output).toContain('"msg":"stopped"');
        expect(alive(pid), 'the node process outlived npm').toBe(false);
        expect(await refused(port)).toBe(true);
      } finally {
        // A service left behind by a failure must not go on serving after the tests.
        if (alive(pid)) process.kill(pid, 'SIGKILL');
        if (npm.exitCode === null) npm.kill('SIGKILL');
      }
    },
    60_000,
  );
});
