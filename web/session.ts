/**
 * The resident's session, kept in one encrypted cookie (backend-for-frontend:
 * the API's access token lives here, sealed with AES-256-GCM under a key only
 * the site holds, and never reaches page script). One cookie, so every response
 * sets at most one `Set-Cookie` header (the Functions host keeps one per name).
 * See docs/decisions/0800-web-session-cookie.md.
 */
import { randomBytes } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

export const sessionCookieName = '__Host-doorstep';
/** Sign-in state lives no longer than this, whatever the token says. */
const maxSessionSeconds = 8 * 60 * 60;

const sessionSchema = z.object({
  /** Synchronizer token for every form (compared on each POST). */
  csrf: z.string().min(32),
  user: z
    .object({
      sub: z.string(),
      name: z.string().optional(),
      accessToken: z.string(),
      /** Epoch seconds. */
      expiresAt: z.number(),
    })
    .optional(),
  /** Between the redirect to the identity provider and its callback. */
  signIn: z.object({ state: z.string(), nonce: z.string(), verifier: z.string(), returnTo: z.string() }).optional(),
  /** One-off message for the next page (e.g. "your session expired"). */
  flash: z.string().max(200).optional(),
  /** Answers of an unfinished form journey, keyed by journey. */
  journeys: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /**
   * Who was signed in when the sign-in ran out: their unfinished answers (and `resume`)
   * survive signing in again only for the same person (a shared computer must not hand
   * one resident's half-filled form to the next).
   */
  previousSub: z.string().optional(),
  /** A form sent after the sign-in ran out, kept to be sent again once signed in (`/resume`). */
  resume: z.object({ path: z.string(), fields: z.array(z.tuple([z.string(), z.string()])) }).optional(),
});

export type Session = z.infer<typeof sessionSchema>;

export const newSession = (): Session => ({ csrf: randomBytes(32).toString('base64url') });

export async function sealSession(session: Session, key: Uint8Array): Promise<string> {
  return new EncryptJWT({ s: session })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${maxSessionSeconds}s`)
    .encrypt(key);
}

/** The session in a cookie value, or undefined when it is missing, tampered with, old or from another key. */
export async function unsealSession(value: string | undefined, key: Uint8Array): Promise<Session | undefined> {
  if (!value || value.length > 4096) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, key, { keyManagementAlgorithms: ['dir'] });
    const parsed = sessionSchema.safeParse(payload.s);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `__Host-`: Secure, path /, no Domain, so no other host can set or read it.
 * `SameSite=Lax`, not Strict: a resident following a link in one of the council's
 * emails to their report must arrive signed in (a Strict cookie is not sent on
 * that first cross-site navigation); Lax still withholds it from cross-site POSTs,
 * and every form carries a CSRF token besides.
 */
export function sessionCookie(value: string | undefined): string {
  const base = `${sessionCookieName}=${value ?? ''}; Path=/; Secure; HttpOnly; SameSite=Lax`;
  return value === undefined ? `${base}; Max-Age=0` : `${base}; Max-Age=${maxSessionSeconds}`;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
