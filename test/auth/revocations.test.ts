import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { revocations } from '../../src/auth/revocations.js';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call } from '../helpers/requests.js';

describe.each(BACKENDS)('revoked tokens on %s', (backend) => {
  const t = useTestApp(backend);
  const rows = async () =>
    (await t.database.db.selectFrom('revoked_tokens').selectAll().orderBy('jti').execute()).map((row) => ({
      jti: row.jti,
      expires_at: Number(row.expires_at),
    }));

  it('keeps a logged-out token until the moment it would have expired anyway', async () => {
    const user = await t.signIn('kept');
    await call(t.app, 'POST', '/logout', undefined, { token: user.access });
    const claims = decodeJwt(user.access);
    expect(await rows()).toContainEqual({ jti: claims.jti, expires_at: claims.exp });

    await call(t.app, 'POST', '/refresh', undefined, { token: user.refresh });
    const refresh = decodeJwt(user.refresh);
    expect(await rows()).toContainEqual({ jti: refresh.jti, expires_at: refresh.exp });
  });

  it('removes revocations of tokens that have expired as new ones arrive, and keeps the rest', async () => {
    const now = Math.floor(Date.now() / 1000);
    await t.database.db
      .insertInto('revoked_tokens')
      .values([
        { jti: 'expired-long-ago', expires_at: now - 86_400 },
        { jti: 'expired-just-now', expires_at: now - 1 },
        { jti: 'still-valid', expires_at: now + 3600 },
      ])
      .execute();
    const user = await t.signIn('cleaner');
    await call(t.app, 'POST', '/logout', undefined, { token: user.access });

    const jtis = (await rows()).map((row) => row.jti);
    expect(jtis).not.toContain('expired-long-ago');
    expect(jtis).not.toContain('expired-just-now');
    expect(jtis).toContain('still-valid');
    expect(jtis).toContain(decodeJwt(user.access).jti);
  });

  it('revokes a token once: a second revocation of the same jti says so and adds no row', async () => {
    const user = await t.signIn('revoked once');
    const revoked = revocations(t.database);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    expect(await revoked.standing('once', user.id)).toEqual({ isAdmin: false });
    expect(await revoked.revoke('once', expiresAt)).toBe(true);
    expect(await revoked.revoke('once', expiresAt)).toBe(false);
    expect(await revoked.standing('once', user.id)).toBe('revoked');
    expect((await rows()).filter((row) => row.jti === 'once')).toHaveLength(1);
  });

  it("says where a token stands in one statement: revoked, its user gone, or valid with the user's admin right now", async () => {
    const user = await t.signIn('standing');
    const revoked = revocations(t.database);
    const before = t.statements();
    expect(await revoked.standing('fresh-jti', user.id)).toEqual({ isAdmin: false });
    expect(t.statements() - before).toBe(1);
    await t.database.db
      .updateTable('users')
      .set({ is_admin: t.database.flavor.bindBoolean(true) })
      .where('id', '=', user.id)
      .execute();
    expect(await revoked.standing('fresh-jti', user.id)).toEqual({ isAdmin: true });
    await t.database.db.deleteFrom('users').where('id', '=', user.id).execute();
    expect(await revoked.standing('fresh-jti', user.id)).toBe('no_user');
  });
});
