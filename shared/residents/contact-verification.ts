/**
 * Verified contact details (#16 item 6): an email address or mobile number becomes a
 * contact that notifications go to only after the resident types back a code sent to it
 * through GOV.UK Notify. Until then the contact already confirmed (if any) stays in use.
 *
 * Codes follow GOV.UK Notify's own security codes (alphagov/notifications-api: 5 digits,
 * stored hashed, valid 30 minutes, at most 10 live per user) and the Design System's
 * "Confirm a phone number" pattern: 5 digits, 30 minutes, single use, 5 wrong tries per
 * code, at most 5 codes an hour and 10 a day per channel (decision 0900).
 *
 * One challenge document per resident and channel (`contact-challenge:<channel>`, in the
 * resident's partition) holds the pending address, the code's salted scrypt hash, the
 * tries and the send history; every change is If-Match guarded, so parallel guesses
 * cannot share one try and parallel sends cannot pass the limits together.
 * Personal data: the pending address. Never logged; cleared once the code is used up.
 */
import type { Container } from '@azure/cosmos';
import { randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { AppError, conflict, dependencyUnavailable, validationFailed } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { retryWhileStale, stale } from '../data/retry-stale.js';
import {
  emailAddress,
  getOrCreateProfile,
  ukMobile,
  verifiedContact,
  type ContactChannel,
  type ProfileDeps,
  type ProfileDoc,
} from './profile.js';

export const codeDigits = 5;
export const codeLifetimeMs = 30 * 60_000;
export const maxWrongTries = 5;
export const sendLimits = [
  { windowMs: 60 * 60_000, max: 5 },
  { windowMs: 24 * 60 * 60_000, max: 10 },
] as const;

export const newEmailSchema = z.strictObject({ email: emailAddress });
export const newPhoneSchema = z.strictObject({ phone: ukMobile });
export const confirmCodeSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .transform((s) => s.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{5}$/, 'Enter the security code: 5 digits, like 12345')),
});

/** A challenge's life: a new code starts a new challenge; `expired` is read from the clock, never stored. */
export type ChallengeStatus = 'pending' | 'confirmed' | 'locked';
const next: Readonly<Record<ChallengeStatus, readonly ChallengeStatus[]>> = {
  pending: ['confirmed', 'locked'],
  confirmed: [],
  locked: [],
};
const move = (from: ChallengeStatus, to: ChallengeStatus): ChallengeStatus => {
  if (!next[from].includes(to)) throw new Error(`contact challenge cannot go from ${from} to ${to}`);
  return to;
};

export interface ContactChallengeDoc {
  readonly id: `contact-challenge:${ContactChannel}`;
  readonly residentId: string;
  readonly kind: 'contact-challenge';
  readonly channel: ContactChannel;
  readonly status: ChallengeStatus;
  /** The address or number being confirmed; null once the challenge is over. */
  readonly address: string | null;
  readonly codeHash: string | null;
  readonly salt: string;
  readonly wrongTries: number;
  readonly expiresAt: string;
  /** When codes were sent (the last day's), for the send limits. */
  readonly sends: readonly string[];
  readonly createdAt: string;
  /** Seconds: gone a day after the last code once the container has TTL on. */
  readonly ttl: number;
  readonly _etag?: string;
}

export interface ContactChallengeStore {
  get(residentId: string, channel: ContactChannel): Promise<ContactChallengeDoc | undefined>;
  /** Creates (no `ifMatch`) or replaces (If-Match); 'stale' when someone else changed it first. */
  save(doc: ContactChallengeDoc, ifMatch: string | undefined): Promise<ContactChallengeDoc | 'stale'>;
}

export function cosmosContactChallengeStore(residents: Container): ContactChallengeStore {
  return {
    async get(residentId, channel) {
      const { resource } = await residents.item(`contact-challenge:${channel}`, residentId).read<ContactChallengeDoc>();
      return resource;
    },
    async save(doc, ifMatch) {
      try {
        const { resource } =
          ifMatch === undefined
            ? await residents.items.create(doc)
            : await residents
                .item(doc.id, doc.residentId)
                .replace(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return (resource as ContactChallengeDoc | undefined) ?? doc;
      } catch (error) {
        if (isCosmosStatus(error, 409) || isCosmosStatus(error, 412)) return 'stale';
        throw error;
      }
    },
  };
}

/** Sends one security code; a PermanentNotifyError-like `permanent: true` when Notify refuses the address. */
export interface CodeSender {
  send(channel: ContactChannel, to: string, code: string, reference: string): Promise<'sent' | 'refused'>;
}

export interface ContactVerificationDeps extends ProfileDeps {
  readonly challenges: ContactChallengeStore;
  readonly codes: CodeSender;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Bound to who, which channel and which address, so a code proves only that. */
const hashCode = async (
  doc: { residentId: string; channel: ContactChannel },
  address: string,
  code: string,
  salt: string,
) =>
  (
    await scryptAsync(`${doc.residentId}\n${doc.channel}\n${address}\n${code}`, Buffer.from(salt, 'base64'), 32)
  ).toString('base64');

const field = (channel: ContactChannel) => (channel === 'email' ? '/email' : '/phone');

export interface CodeSent {
  readonly channel: ContactChannel;
  readonly sentTo: string;
  readonly expiresAt: string;
}

/** Sends a code to a new email address or mobile number; the contact in use stays until it is confirmed. */
export async function startContactVerification(
  channel: ContactChannel,
  address: string,
  principal: Principal,
  deps: ContactVerificationDeps,
): Promise<CodeSent> {
  const profile = await getOrCreateProfile(principal, deps);
  if (verifiedContact(profile, channel) === address)
    throw validationFailed([
      {
        pointer: field(channel),
        detail: `This is already your confirmed ${channel === 'email' ? 'email address' : 'mobile number'}`,
      },
    ]);
  const now = deps.now();
  const current = await deps.challenges.get(principal.sub, channel);
  const sends = (current?.sends ?? []).filter((at) => now.getTime() - Date.parse(at) < sendLimits[1].windowMs);
  for (const limit of sendLimits) {
    const inWindow = sends.filter((at) => now.getTime() - Date.parse(at) < limit.windowMs);
    if (inWindow.length >= limit.max) {
      const oldest = Math.min(...inWindow.map((at) => Date.parse(at)));
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + limit.windowMs - now.getTime()) / 1000));
      throw new AppError('rate-limited', 'Too many security codes have been sent. Try again later.', {
        retryAfterSeconds,
      });
    }
  }
  const code = String(randomInt(0, 10 ** codeDigits)).padStart(codeDigits, '0');
  const salt = randomBytes(16).toString('base64');
  const base = { residentId: principal.sub, channel };
  const challenge: ContactChallengeDoc = {
    id: `contact-challenge:${channel}`,
    ...base,
    kind: 'contact-challenge',
    status: 'pending',
    address,
    codeHash: await hashCode(base, address, code, salt),
    salt,
    wrongTries: 0,
    expiresAt: new Date(now.getTime() + codeLifetimeMs).toISOString(),
    sends: [...sends, now.toISOString()],
    createdAt: now.toISOString(),
    ttl: 24 * 60 * 60,
  };
  // Saved before sending: a send is counted even if Notify then fails, so nobody can make Doorstep send without limit.
  const saved = await deps.challenges.save(challenge, current ? (current._etag ?? '') : undefined);
  if (saved === 'stale') throw conflict('Another code was sent at the same moment. Use the newest code you receive.');
  let outcome: 'sent' | 'refused';
  try {
    outcome = await deps.codes.send(channel, address, code, `contact-code-${randomUUID()}`);
  } catch (error) {
    throw dependencyUnavailable('GOV.UK Notify', error);
  }
  if (outcome === 'refused')
    throw validationFailed([
      {
        pointer: field(channel),
        detail:
          channel === 'email'
            ? 'We cannot send email to this address: check it and try again'
            : 'We cannot send text messages to this number: enter a UK mobile number',
      },
    ]);
  return { channel, sentTo: address, expiresAt: challenge.expiresAt };
}

const codeError = (detail: string) => validationFailed([{ pointer: '/code', detail }]);
export const codeMessages = {
  wrong: 'The security code is not right: check it and try again',
  expired: 'The security code has expired: send a new code',
  locked: 'You entered a wrong code too many times: send a new code',
} as const;

/** Confirms a code: the address it was sent to becomes the verified contact. Each code works once. */
export async function confirmContact(
  channel: ContactChannel,
  code: string,
  principal: Principal,
  deps: ContactVerificationDeps,
): Promise<ProfileDoc> {
  // A lost If-Match race means someone else used a try or the code first: read again and judge afresh.
  // Giving up (409) says nothing about the code, so an unrecorded try teaches a guesser nothing.
  return retryWhileStale(
    10,
    async () => {
      const challenge = await deps.challenges.get(principal.sub, channel);
      if (challenge?.status === 'locked') throw codeError(codeMessages.locked);
      if (challenge?.status !== 'pending' || !challenge.address || !challenge.codeHash)
        throw conflict('No security code is waiting to be confirmed: send a new code.');
      const now = deps.now();
      if (now.getTime() >= Date.parse(challenge.expiresAt)) throw codeError(codeMessages.expired);
      const expected = Buffer.from(challenge.codeHash, 'base64');
      const given = Buffer.from(await hashCode(challenge, challenge.address, code, challenge.salt), 'base64');
      const right = expected.length === given.length && timingSafeEqual(expected, given);
      if (!right) {
        const wrongTries = challenge.wrongTries + 1;
        const locked = wrongTries >= maxWrongTries;
        const saved = await deps.challenges.save(
          {
            ...challenge,
            wrongTries,
            ...(locked ? { status: move(challenge.status, 'locked'), address: null, codeHash: null } : {}),
          },
          challenge._etag ?? '',
        );
        if (saved === 'stale') return stale;
        throw codeError(locked ? codeMessages.locked : codeMessages.wrong);
      }
      // Used up first (If-Match), so two requests with the same code cannot both confirm.
      const used = await deps.challenges.save(
        { ...challenge, status: move(challenge.status, 'confirmed'), address: null, codeHash: null },
        challenge._etag ?? '',
      );
      if (used === 'stale') return stale;
      return setVerifiedContact(channel, challenge.address, principal, deps, now);
    },
    () => conflict('The code was being checked at the same moment elsewhere: try again.'),
  );
}

async function setVerifiedContact(
  channel: ContactChannel,
  address: string,
  principal: Principal,
  deps: ProfileDeps,
  at: Date,
): Promise<ProfileDoc> {
  return retryWhileStale(
    5,
    async () => {
      const current = await getOrCreateProfile(principal, deps);
      const contact =
        channel === 'email'
          ? { ...current.contact, email: address, emailVerifiedAt: at.toISOString() }
          : { ...current.contact, phone: address, phoneVerifiedAt: at.toISOString() };
      return deps.profiles.replace({ ...current, contact, updatedAt: at.toISOString() }, current._etag ?? '');
    },
    () => conflict('Your profile was being changed at the same moment: try again.'),
  );
}
