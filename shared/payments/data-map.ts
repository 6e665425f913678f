/** The data map of payments and refunds (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { PaymentProvider } from './govuk-pay-client.js';
import type { MyPaymentEntry, PaymentDoc, RefundEntry } from './model.js';
import { myAccountEntryDataMap } from '../residents/my-account-entry.js';

export const paymentDataMap: RecordMap<PaymentDoc> = {
  record: 'payment',
  retention: ['payment'],
  title: 'Payment (with its refunds and audit trail)',
  kind: 'cosmos',
  where: 'Cosmos DB `payments` (type `payment`, pk = payment id)',
  purpose: 'Take payment for council services and penalty notices, refund it, and keep the financial record.',
  basis: ['contract', 'legal-obligation'],
  recipients: ['resident', 'staff', 'govuk-pay', 'events'],
  fields: {
    id: { class: 'none' },
    pk: { class: 'none' },
    type: { class: 'none' },
    ownerId: { class: 'personal', note: 'the payer' },
    itemCode: { class: 'none' },
    description: { class: 'none', note: 'the council’s own wording of what is paid for' },
    amount: { class: 'payment' },
    noticeReference: { class: 'payment', note: 'a penalty notice’s reference' },
    status: { class: 'none' },
    providerId: { class: 'payment', note: 'GOV.UK Pay’s payment id' },
    nextUrl: { class: 'payment', note: 'GOV.UK Pay’s page for this payment' },
    providerCode: { class: 'none' },
    attempt: { class: 'none' },
    leaseUntil: { class: 'none' },
    refunds: { class: 'payment', note: 'each refund: amount, status, who asked and approved (staff ids), the reason' },
    openRefunds: { class: 'none' },
    awaitingApproval: { class: 'none' },
    checkedAt: { class: 'none' },
    audit: { class: 'personal', note: 'who did what to the payment (staff ids), with details' },
    createdAt: { class: 'none' },
    updatedAt: { class: 'none' },
    _etag: { class: 'none' },
  },
};

export const refundDataMap: RecordMap<RefundEntry> = {
  record: 'refund',
  retention: ['refund'],
  title: 'Refund (inside its payment)',
  kind: 'cosmos',
  where: 'Cosmos DB `payments`, in the payment’s `refunds`',
  purpose: 'Give money back, with a second approver above a set amount, and keep the financial record.',
  basis: ['contract', 'legal-obligation'],
  recipients: ['resident', 'staff', 'govuk-pay', 'events'],
  fields: {
    id: { class: 'none' },
    providerRefundId: { class: 'payment' },
    amount: { class: 'payment' },
    status: { class: 'none' },
    source: { class: 'none' },
    reason: { class: 'free-text', note: 'staff’s reason for the refund' },
    by: { class: 'none', note: 'the member of staff (a staff id, not a resident’s data), or govuk-pay' },
    approvedBy: { class: 'none', note: 'the second approver (a staff id)' },
    key: { class: 'none' },
    availableBefore: { class: 'payment' },
    at: { class: 'none' },
    updatedAt: { class: 'none' },
  },
};

export const myPaymentEntryDataMap = myAccountEntryDataMap<MyPaymentEntry>({
  kind: 'payment',
  purpose: 'List a resident’s own payments in My Account.',
  basis: ['contract'],
  fields: {
    paymentId: { class: 'none' },
    summary: { class: 'payment', note: 'description, amount, status, refunded' },
  },
});

/** The data of `uk.gov.doorstep.payment.finished` and the refund events (payments.ts, refunds.ts). */
export interface PaymentEventData {
  readonly paymentId: string;
  readonly itemCode?: string;
  readonly amount: number;
  readonly status: string;
  readonly providerId?: string;
  readonly providerCode?: string;
  readonly at: string;
  readonly refundId?: string;
  readonly providerRefundId?: string;
  readonly source?: string;
  readonly requestedBy?: string;
  readonly approvedBy?: string;
  readonly noticeReference?: string;
}

export const paymentEventDataMap: RecordMap<PaymentEventData> = {
  record: 'payment',
  title: 'Payment events (finished, refund-*)',
  kind: 'event',
  where: 'Service Bus topic `events`, type `uk.gov.doorstep.payment.*` (subscriptions finance, crm, notify-residents)',
  purpose: 'Give the finance system and CRM the council’s financial record; send the resident a receipt.',
  basis: ['contract', 'legal-obligation'],
  recipients: ['events'],
  fields: {
    paymentId: { class: 'none' },
    itemCode: { class: 'none' },
    amount: { class: 'payment' },
    status: { class: 'none' },
    providerId: { class: 'payment' },
    providerCode: { class: 'none' },
    at: { class: 'none' },
    refundId: { class: 'none' },
    providerRefundId: { class: 'payment' },
    source: { class: 'none' },
    requestedBy: { class: 'none', note: 'a staff id (finance’s control), never a resident' },
    approvedBy: { class: 'none', note: 'a staff id (finance’s control), never a resident' },
    noticeReference: { class: 'payment' },
  },
};

export type GovUkPayCreate = Parameters<PaymentProvider['create']>[0];

export const govUkPayDataMap: RecordMap<GovUkPayCreate> = {
  record: 'payment',
  title: 'What GOV.UK Pay is sent (create payment)',
  kind: 'pay',
  where: 'HTTPS to GOV.UK Pay `POST /v1/payments`',
  purpose: 'Take the card payment on GOV.UK Pay’s own pages: Doorstep never sees card details.',
  basis: ['contract'],
  recipients: ['govuk-pay'],
  fields: {
    amount: { class: 'payment' },
    reference: { class: 'none', note: 'Doorstep’s payment id' },
    description: { class: 'none', note: 'the council’s own wording' },
    returnUrl: { class: 'none' },
    metadata: { class: 'none', note: 'Doorstep’s payment id and item code: no name, email or address' },
  },
};
