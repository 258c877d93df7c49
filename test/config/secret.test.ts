import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { jwtSecret } from '../../src/config/secret.js';
import { finished, runTs, startServer } from '../helpers/process.js';

const STRONG = 'a JWT secret of more than thirty-two bytes';

describe('jwtSecret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-secret-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const secretFile = () => path.join(dataDir, 'jwt-secret');
  const text = (secret: Uint8Array) => Buffer.from(secret).toString('utf8');

  it('takes JWT_SECRET as given when it has at least 32 bytes, and writes no file', () => {
    expect(text(jwtSecret({ secret: STRONG, production: false, dataDir }).key)).toBe(STRONG);
    expect(text(jwtSecret({ secret: STRONG, production: true, dataDir }).key)).toBe(STRONG);
    expect(text(jwtSecret({ secret: 'x'.repeat(32), production: true, dataDir }).key)).toBe('x'.repeat(32));
    expect(fs.existsSync(secretFile())).toBe(false);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes with a ConfigError, in production or not', () => {
    for (const production of [false, true]) {
      expect(() => jwtSecret({ secret: 'short', production, dataDir })).toThrow(ConfigError);
      expect(() => jwtSecret({ secret: 'x'.repeat(31), production, dataDir })).toThrow(/at least 32 bytes/);
    }
    expect(fs.existsSync(secretFile())).toBe(false);
  });

  it('counts bytes, not characters', () => {
    // 16 characters of two bytes each: 32 bytes.
    expect(jwtSecret({ secret: 'é'.repeat(16), production: true, dataDir }).key.byteLength).toBe(32);
    // 11 characters of three bytes each: 33 bytes, though only 11 characters.
    expect(jwtSecret({ secret: '€'.repeat(11), production: true, dataDir }).key.byteLength).toBe(33);
    expect(() => jwtSecret({ secret: 'é'.repeat(15), production: true, dataDir })).toThrow(ConfigError);
  });

  it('refuses to run in production without JWT_SECRET, and makes no secret there', () => {
    expect(() => jwtSecret({ production: true, dataDir })).toThrow(ConfigError);
    expect(() => jwtSecret({ secret: '', production: true, dataDir })).toThrow(/JWT_SECRET is required/);
    expect(fs.existsSync(secretFile())).toBe(false);
  });

  it('refuses in production even when a generated secret is kept from an earlier run', () => {
    jwtSecret({ production: false, dataDir });
    expect(() => jwtSecret({ production: true, dataDir })).toThrow(ConfigError);
  });

  it('outside production without JWT_SECRET, makes a strong secret in the data folder, readable by its owner only', () => {
    const { key: secret, source } = jwtSecret({ production: false, dataDir });
    expect(source).toEqual({ kind: 'file', file: path.resolve(secretFile()), generated: true });
    expect(jwtSecret({ production: false, dataDir }).source).toMatchObject({ generated: false });
    expect(jwtSecret({ secret: STRONG, production: false, dataDir }).source).toEqual({ kind: 'environment' });
    expect(secret.byteLength).toBeGreaterThanOrEqual(32);
    expect(fs.existsSync(secretFile())).toBe(true);
    expect(fs.statSync(secretFile()).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secretFile(), 'utf8').trim()).toBe(text(secret));
  });

  it('gives the same secret on the next call (tokens outlive a restart), and a different one in another folder', () => {
    const first = text(jwtSecret({ production: false, dataDir }).key);
    const second = text(jwtSecret({ secret: '', production: false, dataDir }).key);
    expect(second).toBe(first);
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-secret-'));
    try {
      expect(text(jwtSecret({ production: false, dataDir: otherDir }).key)).not.toBe(first);
    } finally {
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('creates the data folder when it does not exist yet', () => {
    const nested = path.join(dataDir, 'not', 'there');
    jwtSecret({ production: false, dataDir: nested });
    expect(fs.statSync(path.join(nested, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(nested).mode & 0o777).toBe(0o700);
  });

  it('refuses a kept secret file that has been cut short', () => {
    fs.writeFileSync(secretFile(), 'too short', { mode: 0o600 });
    expect(() => jwtSecret({ production: false, dataDir })).toThrow(ConfigError);
  });
});

describe('the service without a usable JWT_SECRET', () => {
  it.each([
    ['none, in production', { NODE_ENV: 'production', JWT_SECRET: '' }, /JWT_SECRET is required/],
    ['a short one', { JWT_SECRET: 'too short' }, /JWT_SECRET must be at least 32 bytes/],
  ])('refuses to start with %s, saying why', async (_name, env, message) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-secret-'));
    try {
      const { code, stderr } = await finished(
        runTs('src/server.ts', [], {
          ...env,
          PORT: '0',
          DATA_DIR: dataDir,
          DATABASE_URL: `sqlite:${path.join(dataDir, 'junction.db')}`,
          ADMIN_USERNAME: '',
          ADMIN_PASSWORD: '',
        }),
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/configuration error/);
      expect(stderr).toMatch(message);
      expect(fs.existsSync(path.join(dataDir, 'jwt-secret'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the service with no JWT_SECRET, outside production', () => {
  it('makes its secret on first start and keeps it, so a token outlives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-secret-'));
    const env = { JWT_SECRET: '', DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'junction.db')}` };
    try {
      const first = await startServer(env);
      let token: string;
      try {
        token = await first.adminToken();
      } finally {
        await first.stop();
      }
      const file = path.join(dataDir, 'jwt-secret');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(Buffer.byteLength(fs.readFileSync(file, 'utf8').trim())).toBeGreaterThanOrEqual(32);

      const second = await startServer(env);
      try {
        const response = await fetch(`${second.url}/user/1`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
