/**
 * The managers' report (#17): per service and ward, of the requests opened in a
 * chosen period, how many are still open, overdue and closed, and the median time to
 * close, from GET /api/staff/reports (which reads only the reporting index). A GET
 * form of GOV.UK date inputs: the period is no personal data, and a report can be
 * bookmarked or shared. It defaults to the last 30 days.
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import type { StaffPageHandler } from '../staff/staff-page.js';
import { staffServicesView } from '../staff/views.js';

const reportView = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      service: z.string(),
      ward: z.string(),
      opened: z.number(),
      open: z.number(),
      overdue: z.number(),
      closed: z.number(),
      medianHoursToClose: z.number().nullable(),
    }),
  ),
});
const wardsView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() }).loose()) });

/** The API's own bound (shared/reporting/model.ts `reportQuery`). */
const maxDays = 366;
const defaultDays = 30;
const dayMs = 86_400_000;

type Field = 'from' | 'to';
const fieldNames: Record<Field, string> = { from: 'start date', to: 'end date' };
interface FormError {
  readonly field: Field;
  readonly part: 'day' | 'month' | 'year';
  readonly text: string;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const partsOf = (iso: string) => {
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
};

/** One date from its three boxes, or the GOV.UK date-input error for it. */
function readDate(query: URLSearchParams, field: Field): { iso: string } | FormError {
  const part = (name: string) => (query.get(`${field}-${name}`) ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  const name = fieldNames[field];
  if (!day && !month && !year) return { field, part: 'day', text: `Enter the ${name}` };
  const missing = (['day', 'month', 'year'] as const).find((p) => !{ day, month, year }[p]);
  if (missing) return { field, part: missing, text: `The ${name} must include a ${missing}` };
  const [d, m, y] = [day, month, year].map((v) => (/^\d+$/.test(v) ? Number(v) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (
    !Number.isInteger(d) ||
    !Number.isInteger(m) ||
    year.length !== 4 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d
  )
    return { field, part: 'day', text: `The ${name} must be a real date` };
  return { iso: isoDay(date) };
}

const hoursText = (hours: number | null) => {
  if (hours === null) return 'None closed';
  if (hours < 48) return `${hours.toFixed(1)} hours`;
  return `${(hours / 24).toFixed(1)} days`;
};

export const reports: StaffPageHandler = async (page) => {
  const today = isoDay(new Date());
  const asked = ['from', 'to'].some((f) => ['day', 'month', 'year'].some((p) => page.query.has(`${f}-${p}`)));
  const errors: FormError[] = [];
  let from = isoDay(new Date(Date.parse(today) - (defaultDays - 1) * dayMs));
  let to = today;
  if (asked) {
    const read = { from: readDate(page.query, 'from'), to: readDate(page.query, 'to') };
    for (const r of Object.values(read)) if ('text' in r) errors.push(r);
    if ('iso' in read.from) from = read.from.iso;
    if ('iso' in read.to) to = read.to.iso;
    if (errors.length === 0) {
      if (to > today) errors.push({ field: 'to', part: 'day', text: 'The end date must be today or in the past' });
      else if (to < from)
        errors.push({ field: 'to', part: 'day', text: 'The end date must be the same as or after the start date' });
      else if ((Date.parse(to) - Date.parse(from)) / dayMs > maxDays)
        errors.push({ field: 'to', part: 'day', text: `A report can cover up to ${maxDays} days` });
    }
  }
  const api = page.api();
  const [services, wards, report] = await Promise.all([
    api.GET('/services').then((r) => staffServicesView.parse(ok(r)).items),
    api.GET('/wards').then((r) => wardsView.parse(ok(r)).items),
    errors.length > 0
      ? undefined
      : api.GET('/staff/reports', { params: { query: { from, to } } }).then((r) => reportView.parse(ok(r))),
  ]);
  const serviceName = new Map(services.map((s) => [s.code, s.name]));
  const wardName = new Map(wards.map((w) => [w.code, w.name]));
  const values = (field: Field, iso: string) =>
    asked
      ? Object.fromEntries(['day', 'month', 'year'].map((p) => [p, page.query.get(`${field}-${p}`) ?? '']))
      : partsOf(iso);
  const dateItems = (field: Field, iso: string) => {
    const v = values(field, iso);
    const error = errors.find((e) => e.field === field);
    return (['day', 'month', 'year'] as const).map((p) => ({
      name: p,
      label: p === 'day' ? 'Day' : p === 'month' ? 'Month' : 'Year',
      value: v[p],
      classes: `govuk-input--width-${p === 'year' ? 4 : 2}${error ? ' govuk-input--error' : ''}`,
    }));
  };
  const rows = (report?.rows ?? []).map((r) => ({
    ...r,
    serviceName: serviceName.get(r.service) ?? r.service,
    wardName: r.ward === 'none' ? 'No ward' : (wardName.get(r.ward) ?? r.ward),
    median: hoursText(r.medianHoursToClose),
  }));
  const total = (key: 'opened' | 'open' | 'overdue' | 'closed') => rows.reduce((n, r) => n + r[key], 0);
  return {
    view: 'staff-reports',
    status: errors.length > 0 ? 400 : 200,
    data: {
      errors,
      errorList: errors.map((e) => ({ text: e.text, href: `#${e.field}-${e.part}` })),
      errorFor: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      fromItems: dateItems('from', from),
      toItems: dateItems('to', to),
      report: report ? { from: report.from, to: report.to } : undefined,
      rows,
      totals: report
        ? { opened: total('opened'), open: total('open'), overdue: total('overdue'), closed: total('closed') }
        : undefined,
    },
  };
};
