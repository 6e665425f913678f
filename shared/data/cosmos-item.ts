/**
 * What a stored item holds for the domain: without Cosmos' system properties
 * (`_rid`, `_self`, `_etag`, `_ts`, `_attachments`) and the storage keys `id` and
 * `kind` (a catalogue item's partition), which callers know from how they read it.
 */
export function withoutStorageFields(item: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !k.startsWith('_') && k !== 'id' && k !== 'kind'));
}
