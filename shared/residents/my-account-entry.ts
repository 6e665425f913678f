/**
 * The one shape of a My Account entry: `<kind>:<id>` in the resident's partition,
 * dated by when the thing was created (the list's order), naming its subject as
 * `<kind>Id`, with the slice's own summary. Slices build their entries here.
 */
import type { MyAccountEntry } from './my-account.js';

export type MyAccountEntryOf<K extends MyAccountEntry['kind'], S> = MyAccountEntry & {
  readonly kind: K;
  readonly summary: S;
} & Readonly<Record<`${K}Id`, string>>;

export function myAccountEntry<K extends MyAccountEntry['kind'], S>(
  kind: K,
  subject: { readonly id: string; readonly residentId: string; readonly createdAt: string },
  summary: S,
): MyAccountEntryOf<K, S> {
  const entry = {
    id: `${kind}:${subject.id}`,
    residentId: subject.residentId,
    kind,
    at: subject.createdAt,
    [`${kind}Id`]: subject.id,
    summary,
  };
  // The computed `<kind>Id` key is beyond what TypeScript infers from a template literal.
  return entry as unknown as MyAccountEntryOf<K, S>;
}
