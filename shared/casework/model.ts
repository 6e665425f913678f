/**
 * Councillors' casework: an enquiry a councillor raises for a resident (with the
 * resident's consent recorded), the service request that answers it, and which wards
 * each councillor serves. Stored in the `casework` container, partition = councillor.
 */
import { z } from 'zod';
import { newServiceRequestSchema } from '../service-requests/schemas.js';

/** How the resident said yes to the councillor acting for them. */
export const consentMethods = ['in-person', 'surgery', 'phone', 'email', 'letter'] as const;

/** An enquiry waits for the council's first response (a status change or public update), then is answered. */
export const enquiryStates = ['awaiting-response', 'responded'] as const;
export type EnquiryState = (typeof enquiryStates)[number];
export const enquiryTransitions: Readonly<Record<EnquiryState, readonly EnquiryState[]>> = {
  'awaiting-response': ['responded'],
  responded: [],
};

const ukPhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ]{10,16}$/, 'A UK phone number, digits and spaces');

export const newEnquirySchema = z.strictObject({
  /** The problem, as a resident would report it. */
  request: newServiceRequestSchema,
  /** The resident the councillor acts for: personal data, read by staff only with an audit entry. */
  resident: z.strictObject({
    name: z.string().trim().min(1).max(100),
    email: z.email().max(254).optional(),
    phone: ukPhone.optional(),
    address: z.string().trim().min(1).max(300).optional(),
  }),
  consent: z.strictObject({
    how: z.enum(consentMethods),
    /** When the resident gave it (not in the future). */
    givenAt: z.iso.datetime({ offset: true }),
  }),
});
export type NewEnquiry = z.output<typeof newEnquirySchema>;

export const wardCodeSchema = z.string().regex(/^[A-Za-z0-9-]{1,20}$/);
export const councillorWardsSchema = z.strictObject({ wards: z.array(wardCodeSchema).max(10) });
export const wardRequestsQuery = z.strictObject({ ward: wardCodeSchema.optional() });

export interface EnquiryDoc {
  readonly id: string;
  /** The councillor's id: their enquiries are one partition. */
  readonly pk: string;
  readonly kind: 'enquiry';
  readonly councillor: string;
  readonly requestId: string;
  readonly serviceCode: string;
  readonly ward?: string;
  readonly resident: {
    readonly name: string;
    readonly email?: string;
    readonly phone?: string;
    readonly address?: string;
  };
  readonly consent: {
    readonly how: (typeof consentMethods)[number];
    readonly givenAt: string;
    /** Who recorded it (the councillor), and when. */
    readonly recordedBy: string;
    readonly recordedAt: string;
  };
  readonly raisedAt: string;
  /** The last working day staff have to respond (a UK calendar date). */
  readonly respondBy: string;
  /** From this UK date, staff are reminded if they have not responded. */
  readonly remindOn: string;
  readonly state: EnquiryState;
  readonly respondedAt?: string;
  /** Set once, when the reminder went: a reminder is never sent twice. */
  readonly reminder?: { readonly sentAt: string };
  /** Seconds: Cosmos DB deletes it when its retention period ends (shared/data/retention.ts). */
  readonly ttl: number;
  readonly _etag?: string;
}

export interface CouncillorWardsDoc {
  readonly id: 'wards';
  readonly pk: string;
  readonly kind: 'councillor-wards';
  readonly councillor: string;
  readonly wards: readonly string[];
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly _etag?: string;
}

/** What a councillor and staff lists show: no resident's details. */
export const toEnquirySummary = (e: EnquiryDoc) => ({
  id: e.id,
  requestId: e.requestId,
  councillor: e.councillor,
  serviceCode: e.serviceCode,
  ward: e.ward ?? null,
  raisedAt: e.raisedAt,
  respondBy: e.respondBy,
  state: e.state,
  respondedAt: e.respondedAt ?? null,
  reminderSentAt: e.reminder?.sentAt ?? null,
});

/** The whole enquiry, with the resident and their consent: the councillor's own, or staff (audited). */
export const toEnquiryView = (e: EnquiryDoc) => ({
  ...toEnquirySummary(e),
  resident: e.resident,
  consent: e.consent,
});

/**
 * Where a councillor is told of their enquiries (decision 1052): the workforce directory's
 * `email` claim, refreshed when they raise or view an enquiry, and whether they want it.
 * One per councillor (id `contact`), beside their wards.
 */
export interface CouncillorContactDoc {
  readonly id: 'contact';
  readonly pk: string;
  readonly kind: 'councillor-contact';
  readonly councillor: string;
  /** From the directory's token; absent until a token has carried one. */
  readonly email?: string;
  /** The councillor's choice: email them each update and status change on their enquiries. */
  readonly emailUpdates: boolean;
  /** The UK date the directory last vouched for the address (so it is refreshed at most daily). */
  readonly seenOn: string;
  readonly updatedAt: string;
  /** Seconds from the last refresh: an address no token has carried for a year goes (shared/data/retention.ts). */
  readonly ttl: number;
  readonly _etag?: string;
}

/**
 * One councillor's update, claimed before its one send (decision 1052): a redelivered job
 * finds the claim and sends nothing. Ids only; gone after a few days.
 */
export interface CouncillorNoticeDoc {
  readonly id: string;
  readonly pk: string;
  readonly kind: 'councillor-notice';
  readonly claimedAt: string;
  readonly ttl: number;
}

export const councillorNotificationsSchema = z.strictObject({ emailUpdates: z.boolean() });

/** What a councillor sees of where they are told: their own address, and their choice. */
export const toNotificationsView = (c: CouncillorContactDoc | undefined) => ({
  email: c?.email ?? null,
  emailUpdates: c?.emailUpdates ?? true,
});
