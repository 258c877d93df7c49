import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCESS_TTL_SECONDS, TokenError, tokenIssuer } from '../../src/auth/tokens.js';

const issuer = () => tokenIssuer(new Uint8Array(32).fill(7));
const user = { id: 42, isAdmin: false };

/** The `error` code a verification is refused with. */
const refusal = (verifying: Promise<unknown>) =>
  verifying.then(
    () => 'accepted',
    (error: unknown) => (error instanceof TokenError ? error.error : String(error)),
  );

describe('token verification', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a token that was accepted before, once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = issuer();
    const { access_token } = await tokens.login(user);
    expect((await tokens.verify(access_token)).sub).toBe('42');
    vi.setSystemTime(Date.now() + (ACCESS_TTL_SECONDS - 1) * 1000);
    expect((await tokens.verify(access_token)).sub).toBe('42');
    vi.setSystemTime(Date.now() + 2000);
    expect(await refusal(tokens.verify(access_token))).toBe('token_expired');
  });

  it('refuses a token that differs by one character from one it accepted', async () => {
    const tokens = issuer();
    const { access_token } = await tokens.login(user);
    await tokens.verify(access_token);
    // The signature's first character: all six of its bits are the signature's (the last character's
    // lowest two are padding, so changing them alone changes nothing that is checked).
    const at = access_token.lastIndexOf('.') + 1;
    const other = access_token[at] === 'A' ? 'B' : 'A';
    expect(await refusal(tokens.verify(access_token.slice(0, at) + other + access_token.slice(at + 1)))).toBe('invalid_token');
    expect(await refusal(tokens.verify(`${access_token}x`))).toBe('invalid_token');
  });

  it('refuses, with another secret, a token the first issuer accepted', async () => {
    const { access_token } = await issuer().login(user);
    expect(await refusal(issuer().verify(access_token))).toBe('accepted');
    expect(await refusal(tokenIssuer(new Uint8Array(32).fill(8)).verify(access_token))).toBe('invalid_token');
  });

  it('gives each token its own claims, however many tokens it has seen', async () => {
    const tokens = issuer();
    const issued = [];
    for (let id = 1; id <= 5000; id++) issued.push({ id, token: (await tokens.login({ id, isAdmin: id % 2 === 0 })).access_token });
    for (const { id, token } of [...issued, ...issued.slice(0, 10)]) {
      const claims = await tokens.verify(token);
      expect([claims.sub, claims.is_admin]).toEqual([String(id), id % 2 === 0]);
    }
  });
});
