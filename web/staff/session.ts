/**
 * The staff workspace's session: its own sealed `__Host-` cookie, apart from the
 * resident's, under its own key (derived from the site's session key with HKDF,
 * so a resident's cookie can never be opened as a staff one, even pasted into its
 * name). Decision 1020.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { seal, sealedCookieHeader, unseal, type SealedCookie } from '../sealed-cookie.js';

export const staffCookieName = '__Host-doorstep-staff';
/** A working day; the token usually runs out first. */
const maxSessionSeconds = 10 * 60 * 60;

const staffSessionSchema = z.object({
  csrf: z.string().min(32),
  user: z
    .object({
      sub: z.string(),
      name: z.string().optional(),
      accessToken: z.string(),
      expiresAt: z.number(),
      roles: z.array(z.string()).max(20),
    })
    .optional(),
  signIn: z.object({ state: z.string(), nonce: z.string(), verifier: z.string(), returnTo: z.string() }).optional(),
  flash: z.string().max(300).optional(),
});
export type StaffSession = z.infer<typeof staffSessionSchema>;

export const newStaffSession = (): StaffSession => ({ csrf: randomBytes(32).toString('base64url') });

const keys = new WeakMap<Uint8Array, Uint8Array>();
/** The staff cookie's key: HKDF-SHA256 of the site's key, labelled for staff sessions only. */
export function staffKey(siteKey: Uint8Array): Uint8Array {
  let key = keys.get(siteKey);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', siteKey, new Uint8Array(), 'doorstep staff session v1', 32));
    keys.set(siteKey, key);
  }
  return key;
}

const staffCookieKind: SealedCookie<StaffSession> = {
  claim: 'staff',
  schema: staffSessionSchema,
  maxSeconds: maxSessionSeconds,
};

export const sealStaffSession = (session: StaffSession, key: Uint8Array): Promise<string> =>
  seal(staffCookieKind, session, key);

export const unsealStaffSession = (value: string | undefined, key: Uint8Array): Promise<StaffSession | undefined> =>
  unseal(staffCookieKind, value, key);

/** As the resident cookie (web/session.ts), Lax so the identity provider's redirect back carries it. */
export const staffCookie = (value: string | undefined): string =>
  sealedCookieHeader(staffCookieName, value, maxSessionSeconds);
