/**
 * The resident's session, kept in one encrypted cookie (backend-for-frontend:
 * the API's access token lives here, sealed with AES-256-GCM under a key only
 * the site holds, and never reaches page script). One cookie, so every response
 * sets at most one `Set-Cookie` header (the Functions host keeps one per name).
 * See docs/decisions/0800-web-session-cookie.md.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { seal, sealedCookieHeader, unseal, type SealedCookie } from './sealed-cookie.js';

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

const sessionCookieKind: SealedCookie<Session> = { claim: 's', schema: sessionSchema, maxSeconds: maxSessionSeconds };

export const sealSession = (session: Session, key: Uint8Array): Promise<string> =>
  seal(sessionCookieKind, session, key);

/** The session in a cookie value, or undefined when it is missing, tampered with, old or from another key. */
export const unsealSession = (value: string | undefined, key: Uint8Array): Promise<Session | undefined> =>
  unseal(sessionCookieKind, value, key);

/** The resident's cookie header (see web/sealed-cookie.ts for its attributes); no value clears it. */
export const sessionCookie = (value: string | undefined): string =>
  sealedCookieHeader(sessionCookieName, value, maxSessionSeconds);

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
