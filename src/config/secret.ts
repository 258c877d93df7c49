import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MIN_SECRET_BYTES } from '../auth/tokens.js';
import { ConfigError } from './config.js';

const SECRET_FILE = 'jwt-secret';

/** Where the key came from, for the start log: JWT_SECRET, or the file that keeps it (made by this start or not). */
export type SecretSource = { kind: 'environment' } | { kind: 'file'; file: string; generated: boolean };

/**
 * The key that signs tokens. JWT_SECRET when set (at least 32 bytes). Otherwise, outside production, a
 * random one made on first start and kept in the data folder (made owner-only if new), readable by its
 * owner only, so tokens outlive restarts; in production a missing or weak JWT_SECRET stops the service.
 */
export function jwtSecret(env: { secret?: string; production: boolean; dataDir: string }): { key: Uint8Array; source: SecretSource } {
  if (env.secret !== undefined && env.secret !== '') {
    const secret = Buffer.from(env.secret, 'utf8');
    if (secret.byteLength < MIN_SECRET_BYTES) {
      throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (it has ${secret.byteLength})`);
    }
    return { key: secret, source: { kind: 'environment' } };
  }
  if (env.production) {
    throw new ConfigError(`JWT_SECRET is required with NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes)`);
  }
  const file = path.join(env.dataDir, SECRET_FILE);
  let generated = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
    try {
      // `wx`: when two processes start at once, the second keeps the first one's secret.
      fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
      generated = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8');
  if (secret.byteLength < MIN_SECRET_BYTES) throw new ConfigError(`${file} holds a secret shorter than ${MIN_SECRET_BYTES} bytes`);
  return { key: secret, source: { kind: 'file', file: path.resolve(file), generated } };
}
