/**
 * How long each kind of upload is kept, as Storage lifecycle rules that `infra/`
 * applies (prefix = container/purpose). Quarantine is a waiting room: a blob that
 * was never scanned and moved within a day is deleted.
 */
export interface LifecycleRule {
  readonly name: string;
  readonly prefix: string;
  readonly deleteAfterDays: number;
}

export const lifecycleRules: readonly LifecycleRule[] = [
  { name: 'quarantine-1-day', prefix: 'quarantine/', deleteAfterDays: 1 },
  // Photos on service requests: long enough for disputes and insurance claims.
  { name: 'photos-2-years', prefix: 'documents/photos/', deleteAfterDays: 730 },
  // Evidence for applications (blue badge, council tax): the retention schedules councils publish use about 6 years.
  { name: 'evidence-6-years', prefix: 'documents/evidence/', deleteAfterDays: 2190 },
];
