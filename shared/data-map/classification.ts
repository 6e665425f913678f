/**
 * The data map's vocabulary (#16 item 1): how each stored or sent field is
 * classified, why it is processed and on what lawful basis, and who receives it.
 * Each record's map is declared next to its schema (`shared/<area>/data-map.ts`),
 * typed by the schema's own keys: a field added to the schema without a
 * classification does not compile, and `test/unit/data-map.test.ts` checks the
 * zod schemas and the payloads actually built at run time.
 */

import type { RecordType } from '../data/retention.js';

/**
 * - personal: identifies a resident or is about one (names, contact details, their id);
 * - free-text: written by a person, so it may hold anything, personal data included;
 * - home-location: where a resident lives (UPRN, address, or coordinates of a home);
 * - payment: amounts, references and GOV.UK Pay ids of a resident's payment (never card data);
 * - none: codes, statuses, times and Doorstep's own random ids.
 */
export const dataClasses = ['personal', 'free-text', 'home-location', 'payment', 'none'] as const;
export type DataClass = (typeof dataClasses)[number];

/** UK GDPR Art. 6(1). */
export const lawfulBases = {
  'public-task': 'Art. 6(1)(e) public task: the council’s statutory functions (highways, waste, environmental health…)',
  contract: 'Art. 6(1)(b) contract: a service the resident asks for and pays for',
  'legal-obligation':
    'Art. 6(1)(c) legal obligation: records the council must keep (financial records, access records)',
  consent: 'Art. 6(1)(a) consent: given and withdrawn by the resident in My Account',
  'legitimate-interests':
    'Art. 6(1)(f) legitimate interests (not for public authorities’ tasks: only security of the service)',
} as const;
export type LawfulBasis = keyof typeof lawfulBases;

/** Who receives a record's fields, besides Doorstep itself. */
export const recipients = {
  resident: 'the resident themself (My Account, the API)',
  staff: 'council staff through the staff API (audited: shared/audit/access-log.ts)',
  events:
    'the `events` topic: subscriptions notify-residents (the app), crm, finance, highways-contractor, waste-contractor',
  'work-orders': 'the back office doing the job, on its own `work-orders` subscription (partner contract)',
  'govuk-notify': 'GOV.UK Notify (processor), to email or text the resident',
  'govuk-pay': 'GOV.UK Pay (processor), to take the payment',
  'open311-public': 'anyone, through Open311 and public pages (moderated, anonymous)',
  'open311-client': 'the Open311 client (e.g. FixMyStreet) that sent the report, for its own reports',
  logs: 'Application Insights logs (ids, codes and counts only)',
  'records-system':
    'the council’s records system (EDRMS), which files documents and photos against the case: fetched with its own identity, each read in the access audit',
  'care-partners':
    'a health or social care partner the resident consented to, on its own `care-events` subscription, only while the consent stands',
  'open-data': 'anyone: the open data set (Parquet and CSV in the data lake) and reports made from it',
} as const;
export type Recipient = keyof typeof recipients;

export interface FieldClass {
  readonly class: DataClass;
  /** Why, when the field's name does not say. */
  readonly note?: string;
}

/** Every key of T (optional ones too) must be classified, and nothing else. */
export type FieldMap<T> = { readonly [K in keyof T]-?: FieldClass };

export type RecordKind =
  'cosmos' | 'blob' | 'queue' | 'event' | 'work-order' | 'notify' | 'pay' | 'open311' | 'open-data';

export interface RecordMap<T> {
  /** The record type retention rules are keyed by (shared/data/retention.ts). */
  readonly record: string;
  /** The retention rules (shared/data/retention.ts) that govern a stored record; absent for what only passes through. */
  readonly retention?: readonly RecordType[];
  readonly title: string;
  readonly kind: RecordKind;
  /** Where it is kept or how it leaves: container and discriminator, blob prefix, topic… */
  readonly where: string;
  readonly purpose: string;
  readonly basis: readonly LawfulBasis[];
  readonly recipients: readonly Recipient[];
  readonly fields: FieldMap<T>;
}

/**
 * Minimisation where data leaves (#16 item 5): the classes each outgoing channel may
 * carry. Events go to every subscription, so they carry no personal data, free text
 * or location; payment events carry amounts and references for finance and the CRM.
 * A work order carries what the crew needs: the problem as described and where it is
 * (a home only for services at a home, decision 0911), never who reported it.
 */
export const allowedOutgoing: Readonly<Record<'event' | 'work-order' | 'open311', readonly DataClass[]>> = {
  event: ['none', 'payment'],
  'work-order': ['none', 'free-text', 'home-location'],
  open311: ['none', 'free-text'],
};
