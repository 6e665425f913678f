/**
 * The day a resident last used their account, which closing inactive accounts needs
 * (rule `account-activity`). Recorded where every signed-in call passes, token
 * verification, and cheaply: once per resident per UTC day per process (remembered in
 * memory), as its own small item beside the profile, so the profile's ETag never
 * changes because someone merely signed in. Never in the way of the call: the write
 * runs alongside it, and a failure only means the day is written on a later call.
 */
import type { Container } from '@azure/cosmos';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import type { TokenVerifier } from '../identity/token-verifier.js';
import type { AccountActivity } from './retention-sweep.js';

export interface LastSeenStore {
  /** Records `day` (YYYY-MM-DD) as the last day seen, unless a later one is stored; `no-profile` when there is no account yet (or any more). */
  note(residentId: string, day: string): Promise<'noted' | 'no-profile'>;
}

/** How many residents' days are remembered per process; beyond it the memory starts again (a few extra writes). */
export const lastSeenMemorySize = 50_000;

/**
 * Wraps the resident issuer's verifier: a token carrying a staff role is not a resident's
 * sign-in. (With two issuers, wrap only the resident one.)
 */
export function recordingLastSeen(verify: TokenVerifier, store: LastSeenStore, now: () => Date): TokenVerifier {
  const seen = new Map<string, string>();
  return async (token) => {
    const verified = await verify(token);
    const staff = verified.roles.some((r) => r !== 'resident');
    const day = now().toISOString().slice(0, 10);
    if (!staff && seen.get(verified.sub) !== day) {
      if (seen.size >= lastSeenMemorySize) seen.clear();
      seen.set(verified.sub, day);
      // A first call comes before its profile exists: the next call of the day notes it.
      store.note(verified.sub, day).then(
        (outcome) => outcome === 'no-profile' && seen.delete(verified.sub),
        () => seen.delete(verified.sub),
      );
    }
    return verified;
  };
}

async function hasProfile(residents: Container, residentId: string): Promise<boolean> {
  try {
    return (await residents.item('profile', residentId).read()).resource !== undefined;
  } catch (error) {
    if (isCosmosStatus(error, 404)) return false;
    throw error;
  }
}

export function cosmosLastSeen(residents: Container): LastSeenStore {
  return {
    async note(residentId, day) {
      for (let attempt = 0; attempt < 3; attempt++) {
        let current: AccountActivity | undefined;
        try {
          current = (await residents.item('activity', residentId).read<AccountActivity>()).resource;
        } catch (error) {
          if (!isCosmosStatus(error, 404)) throw error;
        }
        if (current?.lastSeenOn && current.lastSeenOn >= day) return 'noted';
        // Only beside a profile: a token still in use after its account was erased must not leave a record behind.
        if (!current && !(await hasProfile(residents, residentId))) return 'no-profile';
        const { _etag, ...rest } = current ?? { id: 'activity' as const, residentId, kind: 'activity' as const };
        const next: AccountActivity = { ...rest, lastSeenOn: day };
        try {
          if (current)
            await residents
              .item('activity', residentId)
              .replace(next, { accessCondition: { type: 'IfMatch', condition: _etag ?? '' } });
          else await residents.items.create(next);
          return 'noted';
        } catch (error) {
          // Someone else wrote it first (another call, or the retention timer's warning): read again.
          if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 409)) throw error;
        }
      }
      return 'noted';
    },
  };
}
