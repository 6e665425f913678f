/**
 * The one shape of a My Account entry: `<kind>:<id>` in the resident's partition,
 * dated by when the thing was created (the list's order), naming its subject as
 * `<kind>Id`, with the slice's own summary. Slices build their entries here.
 */
import type { FieldMap, LawfulBasis, RecordMap } from '../data-map/classification.js';
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

const entryFields: FieldMap<MyAccountEntry> = {
  id: { class: 'none' },
  residentId: { class: 'personal', note: 'the partition: whose entry it is' },
  kind: { class: 'none' },
  at: { class: 'none' },
};

/**
 * The data map of a slice's My Account entries: where they live, their rule and the
 * shared fields are the same for every slice; the slice says why it lists them and
 * classifies its own fields (its `<kind>Id` and summary).
 */
export function myAccountEntryDataMap<T extends MyAccountEntry>(entry: {
  readonly kind: T['kind'];
  readonly purpose: string;
  readonly basis: readonly LawfulBasis[];
  readonly fields: FieldMap<Omit<T, keyof MyAccountEntry>>;
}): RecordMap<T> {
  return {
    record: entry.kind,
    retention: ['my-account-entry'],
    title: `My Account entry for a ${entry.kind}`,
    kind: 'cosmos',
    where: `Cosmos DB \`residents\` (kind \`${entry.kind}\`, pk = resident id)`,
    purpose: entry.purpose,
    basis: entry.basis,
    recipients: ['resident'],
    // The shared fields and the slice's own are, together, every key of T.
    fields: { ...entryFields, ...entry.fields } as FieldMap<T>,
  };
}
