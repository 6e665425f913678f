/**
 * #16 item 6: the code rules as pure logic over plain in-memory stores with ETags and a
 * clock (the integration test covers the real Cosmos DB and GOV.UK Notify).
 */
import { describe, expect, it } from 'vitest';
import {
  confirmContact,
  startContactVerification,
  type ContactChallengeDoc,
  type ContactChallengeStore,
  type ContactVerificationDeps,
} from '../../shared/residents/contact-verification.js';
import type { ProfileDoc, ProfileStore } from '../../shared/residents/profile.js';
import { AppError } from '../../shared/errors.js';

function fakes() {
  let version = 0;
  const profiles = new Map<string, ProfileDoc>();
  const challenges = new Map<string, ContactChallengeDoc>();
  const sent: { to: string; code: string }[] = [];
  const tag = () => String(++version);
  const profileStore: ProfileStore = {
    get: (id) => Promise.resolve(profiles.get(id)),
    createIfMissing(p) {
      const existing = profiles.get(p.residentId);
      if (existing) return Promise.resolve(existing);
      const saved = { ...p, _etag: tag() };
      profiles.set(p.residentId, saved);
      return Promise.resolve(saved);
    },
    replace(p, ifMatch) {
      if (profiles.get(p.residentId)?._etag !== ifMatch) return Promise.resolve('stale' as const);
      const saved = { ...p, _etag: tag() };
      profiles.set(p.residentId, saved);
      return Promise.resolve(saved);
    },
  };
  const challengeStore: ContactChallengeStore = {
    get: (residentId, channel) => Promise.resolve(challenges.get(`${residentId}|${channel}`)),
    save(doc, ifMatch) {
      const key = `${doc.residentId}|${doc.channel}`;
      const current = challenges.get(key);
      if (ifMatch === undefined ? current !== undefined : current?._etag !== ifMatch)
        return Promise.resolve('stale' as const);
      const saved = { ...doc, _etag: tag() };
      challenges.set(key, saved);
      return Promise.resolve(saved);
    },
  };
  let clock = Date.parse('2026-11-29T10:00:00Z');
  const deps: ContactVerificationDeps = {
    profiles: profileStore,
    challenges: challengeStore,
    codes: {
      send(_channel, to, code) {
        sent.push({ to, code });
        return Promise.resolve(to.endsWith('@refused.example') ? 'refused' : 'sent');
      },
    },
    now: () => new Date(clock),
  };
  return { deps, sent, challenges, tick: (ms: number) => (clock += ms) };
}

const alice = { sub: 'alice', issuer: 'resident' as const, roles: new Set(['resident'] as const) };
const failure = async (run: Promise<unknown>) => {
  try {
    await run;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('confirming a contact with a security code', () => {
  it('when the same right code is sent twice at once, then exactly one confirms and the other finds nothing waiting', async () => {
    const { deps, sent } = fakes();
    await startContactVerification('email', 'a@example.com', alice, deps);
    const code = sent[0]?.code ?? '';
    const results = await Promise.allSettled([
      confirmContact('email', code, alice, deps),
      confirmContact('email', code, alice, deps),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused?.reason as AppError).status).toBe(409);
  });

  it('when wrong codes are guessed in parallel, then each one counts: the fifth locks the code', async () => {
    const { deps, sent, challenges } = fakes();
    await startContactVerification('sms', '07700900123', alice, deps);
    const code = sent[0]?.code ?? '';
    const wrong = String((Number(code) + 1) % 100_000).padStart(5, '0');
    await Promise.allSettled(Array.from({ length: 5 }, () => confirmContact('sms', wrong, alice, deps)));
    expect(challenges.get('alice|sms')).toMatchObject({ status: 'locked', wrongTries: 5, address: null });
    expect((await failure(confirmContact('sms', code, alice, deps))).extras.fieldErrors?.[0]?.detail).toBe(
      'You entered a wrong code too many times: send a new code',
    );
  });

  it('when Notify refuses the address, then 422 on the field, and the send still counts towards the limit', async () => {
    const { deps, challenges } = fakes();
    const refused = await failure(startContactVerification('email', 'x@refused.example', alice, deps));
    expect(refused.status).toBe(422);
    expect(refused.extras.fieldErrors?.[0]?.pointer).toBe('/email');
    expect(challenges.get('alice|email')?.sends).toHaveLength(1);
  });

  it('when a code is confirmed, then the profile keeps the other channel and says when it was verified', async () => {
    const { deps, sent, tick } = fakes();
    await startContactVerification('email', 'a@example.com', alice, deps);
    tick(29 * 60_000);
    const profile = await confirmContact('email', sent[0]?.code ?? '', alice, deps);
    expect(profile.contact).toMatchObject({ email: 'a@example.com', emailVerifiedAt: '2026-11-29T10:29:00.000Z' });
    expect(profile.contact.phone).toBeUndefined();
  });
});
