/**
 * The staff single view of a resident (decision 1060): their requests, payments,
 * documents and contact preferences on one page. It opens only for a stated reason
 * from a fixed list (so no free text, and so no personal data, ever lands in the
 * URL), and the API records every opening, with that reason, before it answers.
 * Reached from a request's page, once its reporter is shown.
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import { statusNames } from '../api/views.js';
import type { StaffPageHandler } from '../staff/staff-page.js';
import { eventNames } from './contacts.js';
import { pounds } from './pay.js';

/** Why staff open a resident's record: each kept in the access audit with their name. */
export const residentReasons = [
  'The resident contacted the council about their account',
  'A complaint, or a request for information about them',
  'Checking related requests, payments or documents',
];

const status = z.enum(Object.keys(statusNames) as [keyof typeof statusNames, ...(keyof typeof statusNames)[]]);
const section = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), continuation: z.string().optional() });

/** The API's answer (shared/residents/single-view.ts `toSingleViewResponse`), parsed at the boundary. */
const singleView = z.object({
  residentId: z.string(),
  profile: z
    .object({
      contact: z.object({
        name: z.string().nullish(),
        email: z.string().nullish(),
        emailVerified: z.boolean(),
        phone: z.string().nullish(),
        phoneVerified: z.boolean(),
      }),
      preferences: z.object({ email: z.boolean(), sms: z.boolean(), events: z.array(z.string()) }),
    })
    .nullable(),
  requests: section(
    z.object({ id: z.string(), createdAt: z.string(), serviceName: z.string(), status, updatedAt: z.string() }),
  ),
  payments: section(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      description: z.string(),
      amount: z.number(),
      status: z.string(),
      refunded: z.number(),
    }),
  ),
  documents: section(
    z.object({ id: z.string(), createdAt: z.string(), purpose: z.string(), fileName: z.string(), status: z.string() }),
  ),
});

const sections = ['requests', 'payments', 'documents'] as const;
const residentPath = (id: string) => `/staff/residents/${encodeURIComponent(id)}`;
const pageLink = (id: string, reason: string, more: Partial<Record<(typeof sections)[number], string>> = {}) => {
  const query = new URLSearchParams({ reason, ...more });
  return `${residentPath(id)}?${query.toString()}`;
};

const paymentStatusNames: Readonly<Record<string, string>> = {
  creating: 'Started',
  created: 'Started',
  started: 'Started',
  submitted: 'Being paid',
  capturable: 'Being paid',
  success: 'Paid',
  failed: 'Not paid',
  cancelled: 'Cancelled',
  error: 'Not paid',
};

const contactText = (value: string | null | undefined, confirmed: boolean) =>
  value ? `${value} (${confirmed ? 'confirmed' : 'not confirmed'})` : 'Not given';

export const residentView: StaffPageHandler = async (page) => {
  const id = page.request.params.residentId ?? '';
  const reason = page.query.get('reason') ?? '';
  // The API's own pattern (shared/residents/single-view.ts): anything else is no resident.
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/.test(id)) return { view: 'staff-not-found', status: 404 };
  if (!residentReasons.includes(reason)) {
    // Nothing is read (or recorded) until a reason is chosen.
    const asked = page.query.has('reason');
    return {
      view: 'staff-resident-reason',
      status: asked ? 400 : 200,
      data: {
        residentId: id,
        action: residentPath(id),
        reasonItems: [{ value: '', text: 'Choose a reason' }, ...residentReasons.map((r) => ({ value: r, text: r }))],
        errors: asked ? [{ field: 'reason', text: 'Select why you need to see this resident’s record' }] : [],
        errorList: asked ? [{ text: 'Select why you need to see this resident’s record', href: '#reason' }] : [],
        errorFor: asked ? { reason: { text: 'Select why you need to see this resident’s record' } } : {},
      },
    };
  }
  const more = Object.fromEntries(sections.flatMap((s) => (page.query.get(s) ? [[s, page.query.get(s) ?? '']] : [])));
  const view = singleView.parse(
    ok(
      await page.api(reason).GET('/staff/residents/{residentId}', {
        params: { path: { residentId: id }, query: { pageSize: 10, ...more } },
      }),
    ),
  );
  const preferences = view.profile?.preferences;
  return {
    view: 'staff-resident',
    data: {
      resident: view,
      reason,
      contactRows: view.profile
        ? [
            { key: { text: 'Name' }, value: { text: view.profile.contact.name ?? 'Not given' } },
            {
              key: { text: 'Email' },
              value: { text: contactText(view.profile.contact.email, view.profile.contact.emailVerified) },
            },
            {
              key: { text: 'Mobile phone' },
              value: { text: contactText(view.profile.contact.phone, view.profile.contact.phoneVerified) },
            },
            {
              key: { text: 'Send updates by' },
              value: {
                text:
                  [preferences?.email ? 'Email' : '', preferences?.sms ? 'Text message' : '']
                    .filter(Boolean)
                    .join(', ') || 'Neither: no updates',
              },
            },
            {
              key: { text: 'Updates wanted' },
              value: { text: (preferences?.events ?? []).map((e) => eventNames[e] ?? e).join('; ') || 'None' },
            },
          ]
        : undefined,
      requests: view.requests.items.map((r) => ({
        ...r,
        href: `/staff/requests/${encodeURIComponent(r.id)}`,
        statusName: statusNames[r.status],
      })),
      payments: view.payments.items.map((p) => ({
        ...p,
        amountText: pounds(p.amount),
        refundedText: p.refunded > 0 ? pounds(p.refunded) : 'None',
        statusName: paymentStatusNames[p.status] ?? p.status,
      })),
      documents: view.documents.items,
      next: Object.fromEntries(
        sections.map((s) => {
          const token = view[s].continuation;
          return [s, token ? pageLink(id, reason, { [s]: token }) : undefined];
        }),
      ),
      first: Object.keys(more).length > 0 ? pageLink(id, reason) : undefined,
    },
  };
};
