/**
 * A resident's profile: created on first sign-in, holding the contact details and
 * notification preferences they choose to give. Personal data: never logged.
 */
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { notificationEvents } from '../notifications/templates.js';

// Kept here too: callers read the preference events beside the profile that stores them.
export { notificationEvents };

export const contactChannels = ['email', 'sms'] as const;
export type ContactChannel = (typeof contactChannels)[number];

/**
 * A UK mobile number (spaces, brackets and dashes allowed as residents type them): the
 * phone is for text messages, and GOV.UK Notify refuses to text a landline.
 */
export const ukMobile = z
  .string()
  .trim()
  .max(30)
  .transform((s) => s.replace(/[\s()-]/g, ''))
  .pipe(z.string().regex(/^(\+447|07)\d{9}$/, 'Enter a UK mobile phone number, like 07700 900 982'));

export const emailAddress = z
  .string()
  .trim()
  .max(254, 'Enter an email address of 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.com'));

// An address or number becomes a contact only through a confirmed code (contact-verification.ts).
const setThroughConfirmation = (route: string) =>
  z
    .null({ error: `Send a new value to ${route}: it is used once the resident confirms the code sent to it` })
    .optional();

export const profilePatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    /** Only `null` (remove it); a new address goes through POST /api/me/contact/email. */
    email: setThroughConfirmation('POST /api/me/contact/email'),
    /** Only `null` (remove it); a new number goes through POST /api/me/contact/phone. */
    phone: setThroughConfirmation('POST /api/me/contact/phone'),
    preferences: z
      .strictObject({
        email: z.boolean().optional(),
        sms: z.boolean().optional(),
        events: z.array(z.enum(notificationEvents)).max(notificationEvents.length).optional(),
      })
      .optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one field to change' });
export type ProfilePatch = z.output<typeof profilePatchSchema>;

export interface ProfileDoc {
  readonly id: 'profile';
  readonly residentId: string;
  readonly kind: 'profile';
  /**
   * `email`/`phone` are the contacts in use. Each counts only with its `…VerifiedAt`: a
   * profile stored before verification existed has none, so its contacts are unverified
   * and nothing is sent to them until the resident confirms them.
   */
  readonly contact: {
    readonly name?: string | null;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly emailVerifiedAt?: string | null;
    readonly phoneVerifiedAt?: string | null;
  };
  readonly preferences: {
    readonly email: boolean;
    readonly sms: boolean;
    readonly events: readonly (typeof notificationEvents)[number][];
  };
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly _etag?: string;
}

export interface ProfileStore {
  get(residentId: string): Promise<ProfileDoc | undefined>;
  /** Creates the profile unless it exists; returns whichever is stored. */
  createIfMissing(profile: ProfileDoc): Promise<ProfileDoc>;
  replace(profile: ProfileDoc, ifMatch: string): Promise<ProfileDoc | 'stale'>;
}

export function cosmosProfileStore(residents: Container): ProfileStore {
  const store: ProfileStore = {
    async get(residentId) {
      const { resource } = await residents.item('profile', residentId).read<ProfileDoc>();
      return resource;
    },
    async createIfMissing(profile) {
      try {
        const { resource } = await residents.items.create(profile);
        return resource ?? profile;
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const existing = await store.get(profile.residentId);
        if (!existing) throw error;
        return existing;
      }
    },
    async replace(profile, ifMatch) {
      try {
        const { resource } = await residents
          .item('profile', profile.residentId)
          .replace(profile, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return resource ?? profile;
      } catch (error) {
        if (isCosmosStatus(error, 412)) return 'stale';
        throw error;
      }
    },
  };
  return store;
}

export interface ProfileDeps {
  readonly profiles: ProfileStore;
  readonly now: () => Date;
}

export async function getOrCreateProfile(principal: Principal, deps: ProfileDeps): Promise<ProfileDoc> {
  const existing = await deps.profiles.get(principal.sub);
  if (existing) return existing;
  const at = deps.now().toISOString();
  return deps.profiles.createIfMissing({
    id: 'profile',
    residentId: principal.sub,
    kind: 'profile',
    contact: {},
    // Progress updates by email are what most residents expect; they can turn them off.
    preferences: {
      email: true,
      sms: false,
      events: ['status-changed', 'update-added', 'payment-receipt', 'document-checked'],
    },
    createdAt: at,
    updatedAt: at,
  });
}

export async function updateProfile(
  patch: ProfilePatch,
  ifMatch: string | undefined,
  principal: Principal,
  deps: ProfileDeps,
): Promise<ProfileDoc> {
  const current = await getOrCreateProfile(principal, deps);
  if (ifMatch !== undefined && ifMatch.replace(/"/g, '') !== (current._etag ?? '').replace(/"/g, ''))
    throw new AppError('precondition-failed');
  const next: ProfileDoc = {
    ...current,
    contact: {
      ...current.contact,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.email === null ? { email: null, emailVerifiedAt: null } : {}),
      ...(patch.phone === null ? { phone: null, phoneVerifiedAt: null } : {}),
    },
    preferences: {
      ...current.preferences,
      ...patch.preferences,
    },
    updatedAt: deps.now().toISOString(),
  };
  const saved = await deps.profiles.replace(next, current._etag ?? '');
  if (saved === 'stale') throw new AppError('precondition-failed');
  return saved;
}

/** The address or number a channel may send to: only one the resident confirmed. */
export function verifiedContact(profile: ProfileDoc, channel: ContactChannel): string | undefined {
  const [value, verifiedAt] =
    channel === 'email'
      ? [profile.contact.email, profile.contact.emailVerifiedAt]
      : [profile.contact.phone, profile.contact.phoneVerifiedAt];
  return value && verifiedAt ? value : undefined;
}

export const toProfileView = (p: ProfileDoc) => ({
  residentId: p.residentId,
  contact: {
    name: p.contact.name ?? null,
    email: p.contact.email ?? null,
    emailVerified: verifiedContact(p, 'email') !== undefined,
    phone: p.contact.phone ?? null,
    phoneVerified: verifiedContact(p, 'sms') !== undefined,
  },
  preferences: p.preferences,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
