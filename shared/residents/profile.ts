/**
 * A resident's profile: created on first sign-in, holding the contact details and
 * notification preferences they choose to give. Personal data: never logged.
 */
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';

export const notificationEvents = ['status-changed', 'update-added', 'payment-receipt', 'document-checked'] as const;

// UK numbers: +44 or 0, then 9 or 10 digits (spaces allowed as residents type them).
const ukPhone = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s()-]/g, ''))
  .pipe(z.string().regex(/^(\+44|0)\d{9,10}$/, 'Enter a UK phone number, like 07700 900 982'));

export const profilePatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    email: z.email('Enter an email address, like name@example.com').max(254).nullable().optional(),
    phone: ukPhone.nullable().optional(),
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
  readonly contact: { readonly name?: string | null; readonly email?: string | null; readonly phone?: string | null };
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
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
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

export const toProfileView = (p: ProfileDoc) => ({
  residentId: p.residentId,
  contact: p.contact,
  preferences: p.preferences,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
