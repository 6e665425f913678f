/**
 * Staff: councillors' enquiries awaiting a response, soonest deadline first, each with
 * its working days left, what is overdue or due soon (its reminder day has come), and
 * a link to the request that answers it. No resident's details: those are on the
 * enquiry itself, read with an audit entry (decision 1042).
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import type { StaffPageHandler } from '../staff/staff-page.js';

const enquiriesView = z.object({
  today: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      requestId: z.string(),
      councillor: z.string(),
      serviceCode: z.string(),
      ward: z.string().nullable(),
      raisedAt: z.string(),
      respondBy: z.string(),
      remindOn: z.string(),
      workingDaysLeft: z.number(),
      reminderSentAt: z.string().nullable(),
    }),
  ),
});
const namesView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() }).loose()) });

const dueness = (e: { workingDaysLeft: number; remindOn: string }, today: string) =>
  e.workingDaysLeft < 0
    ? { text: 'Overdue', classes: 'govuk-tag--red' }
    : e.remindOn <= today
      ? { text: 'Due soon', classes: 'govuk-tag--yellow' }
      : { text: 'On time', classes: 'govuk-tag--green' };

const daysLeft = (n: number) =>
  n < 0
    ? `${-n} working ${n === -1 ? 'day' : 'days'} late`
    : n === 0
      ? 'Due today'
      : `${n} working ${n === 1 ? 'day' : 'days'}`;

export const staffEnquiries: StaffPageHandler = async (page) => {
  const api = page.api('Councillor enquiries');
  const [found, services, wards] = await Promise.all([
    api.GET('/staff/enquiries').then((r) => enquiriesView.parse(ok(r))),
    api.GET('/services').then((r) => namesView.parse(ok(r)).items),
    api.GET('/wards').then((r) => namesView.parse(ok(r)).items),
  ]);
  const serviceName = new Map(services.map((s) => [s.code, s.name]));
  const wardName = new Map(wards.map((w) => [w.code, w.name]));
  const items = found.items.map((e) => ({
    ...e,
    href: `/staff/requests/${encodeURIComponent(e.requestId)}`,
    serviceName: serviceName.get(e.serviceCode) ?? e.serviceCode,
    wardName: e.ward ? (wardName.get(e.ward) ?? e.ward) : 'Not known',
    tag: dueness(e, found.today),
    daysLeft: daysLeft(e.workingDaysLeft),
  }));
  return {
    view: 'staff-enquiries',
    data: {
      items,
      overdue: items.filter((e) => e.workingDaysLeft < 0).length,
      dueSoon: items.filter((e) => e.workingDaysLeft >= 0 && e.remindOn <= found.today).length,
    },
  };
};
