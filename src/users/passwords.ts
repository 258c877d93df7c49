import { Algorithm, hash, verify } from '@node-rs/argon2';

/** Argon2id at OWASP's minimum: 19 MiB, 2 iterations, parallelism 1. */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** A hash of nothing anyone knows: checked against when the user does not exist, so both take as long. */
const decoy = hashPassword('decoy password that nobody knows');

export async function verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean> {
  try {
    const matches = await verify(passwordHash ?? (await decoy), password);
    return matches && passwordHash !== undefined;
  } catch {
    return false;
  }
}
