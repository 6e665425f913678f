import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSession, readCookie, sealSession, sessionCookie, unsealSession } from '../../web/session.js';

const key = new Uint8Array(randomBytes(32));

describe("the website's session cookie", () => {
  it('when sealed and opened with the same key, then the session comes back; with another key or altered, nothing does', async () => {
    const session = { ...newSession(), user: { sub: 'alice', accessToken: 'token', expiresAt: 1 } };
    const sealed = await sealSession(session, key);
    expect(sealed).not.toContain('token');
    expect(await unsealSession(sealed, key)).toEqual(session);
    expect(await unsealSession(sealed, new Uint8Array(randomBytes(32)))).toBeUndefined();
    expect(await unsealSession(`${sealed.slice(0, -2)}AA`, key)).toBeUndefined();
    expect(await unsealSession('x'.repeat(5000), key)).toBeUndefined();
  });

  it('when set, then it is __Host-, Secure, HttpOnly, SameSite=Lax on / with no Domain; when cleared, it expires at once', () => {
    expect(sessionCookie('v')).toBe('__Host-doorstep=v; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=28800');
    expect(sessionCookie(undefined)).toMatch(/Max-Age=0$/);
    expect(readCookie('a=1; __Host-doorstep=abc; b=2', '__Host-doorstep')).toBe('abc');
  });
});
