/**
 * One home for sealing state into a `__Host-` cookie (AES-256-GCM under a key only
 * the site holds, as a JWE with an expiry) and for that cookie's header. The resident
 * and staff sessions each keep their own cookie name, claim, schema and key; only the
 * sealing is shared. See docs/decisions/0800-web-session-cookie.md.
 */
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { z } from 'zod';

export interface SealedCookie<T> {
  /** The claim the state sits under, so one kind of cookie cannot be read as another. */
  claim: string;
  schema: z.ZodType<T>;
  /** Sealed state lives no longer than this, whatever it holds. */
  maxSeconds: number;
}

export async function seal<T>(kind: SealedCookie<T>, value: T, key: Uint8Array): Promise<string> {
  return new EncryptJWT({ [kind.claim]: value })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${kind.maxSeconds}s`)
    .encrypt(key);
}

/** The state in a cookie value, or undefined when it is missing, tampered with, old or from another key. */
export async function unseal<T>(
  kind: SealedCookie<T>,
  value: string | undefined,
  key: Uint8Array,
): Promise<T | undefined> {
  if (!value || value.length > 4096) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, key, { keyManagementAlgorithms: ['dir'] });
    const parsed = kind.schema.safeParse(payload[kind.claim]);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `__Host-`: Secure, path /, no Domain, so no other host can set or read it.
 * `SameSite=Lax`, not Strict: a resident following a link in one of the council's
 * emails must arrive signed in, and the identity provider's redirect back must carry
 * it (a Strict cookie is not sent on that first cross-site navigation); Lax still
 * withholds it from cross-site POSTs, and every form carries a CSRF token besides.
 * No value clears the cookie.
 */
export function sealedCookieHeader(name: string, value: string | undefined, maxSeconds: number): string {
  const base = `${name}=${value ?? ''}; Path=/; Secure; HttpOnly; SameSite=Lax`;
  return value === undefined ? `${base}; Max-Age=0` : `${base}; Max-Age=${maxSeconds}`;
}
