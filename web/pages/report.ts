/**
 * Report a problem, one thing per page: what it is → the service's own questions
 * (rendered from its Open311 attributes, every datatype) → where it is (postcode
 * or street search) → check answers → confirmation with the reference. Answers
 * wait in the sealed session between pages; the report is filed once, with an
 * Idempotency-Key, so a double submit or a retry files it once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError, ok } from '../api/client.js';
import { requestView, serviceView, type AttributeView, type ServiceView } from '../api/views.js';
import type { PageHandler, PageRequest, PageResult } from '../http/page.js';
import { clearReportPhotos, photoItems, reportPhotos } from './photos.js';

const addressView = z.object({
  uprn: z.string(),
  address: z.string(),
  postcode: z.string(),
  lat: z.number(),
  long: z.number(),
});
const addressesView = z.object({ items: z.array(addressView) });
const servicesView = z.object({ items: z.array(serviceView) });

const journeySchema = z.object({
  key: z.string(),
  serviceCode: z.string().optional(),
  answers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  description: z.string().optional(),
  /** The address nearest the problem; `lat`/`long` are where the resident marked it on the map, if they did. */
  location: addressView.extend({ marked: z.boolean().optional() }).optional(),
});
type Journey = z.infer<typeof journeySchema>;

/** Longer descriptions would not fit the session cookie; the API takes up to 2000. */
const maxDescription = 1000;

interface FieldError {
  readonly field: string;
  readonly text: string;
}

export const journeyOf = (page: PageRequest): Journey => {
  const parsed = journeySchema.safeParse(page.session.journeys?.report);
  return parsed.success ? parsed.data : { key: randomUUID(), answers: {} };
};
export const saveJourney = (page: PageRequest, journey: Journey | undefined) => {
  const journeys = { ...(page.session.journeys ?? {}) };
  if (journey) journeys.report = journey;
  else delete journeys.report;
  page.session = { ...page.session, journeys };
};

async function services(page: PageRequest): Promise<ServiceView[]> {
  return servicesView.parse(ok(await page.api().GET('/services'))).items;
}

const errorSummary = (errors: readonly FieldError[]) => errors.map((e) => ({ text: e.text, href: `#${e.field}` }));
const errorFor = (errors: readonly FieldError[], field: string) => {
  const e = errors.find((x) => x.field === field);
  return e ? { text: e.text } : undefined;
};

// --- 1. What is the problem? -------------------------------------------------------------------

export const chooseService: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const all = await services(page);
  let errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    const code = page.form.get('serviceCode') ?? '';
    if (all.some((s) => s.code === code)) {
      if (code !== journey.serviceCode) journey.answers = {};
      saveJourney(page, { ...journey, serviceCode: code });
      return { redirect: '/report/questions' };
    }
    errors = [{ field: 'serviceCode', text: 'Select the kind of problem' }];
  }
  return {
    view: 'report-service',
    status: errors.length ? 400 : 200,
    data: {
      errors: errorSummary(errors),
      error: errorFor(errors, 'serviceCode'),
      items: all.map((s) => ({
        value: s.code,
        text: s.name,
        hint: { text: s.description },
        checked: s.code === journey.serviceCode,
      })),
    },
  };
};

// --- 2. The service's own questions, and a description ------------------------------------------

export function readAnswer(a: AttributeView, form: URLSearchParams): string | string[] {
  if (a.datatype === 'multivaluelist') return form.getAll(a.code);
  if (a.datatype === 'datetime')
    return ['day', 'month', 'year'].map((p) => (form.get(`${a.code}-${p}`) ?? '').trim()).join('/');
  return (form.get(a.code) ?? '').trim();
}

export function isoDate(value: string): string | undefined {
  const [d, m, y] = value.split('/').map(Number);
  if (!d || !m || !y || y < 1900 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

export function checkAnswer(a: AttributeView, value: string | string[]): string | undefined {
  const empty = Array.isArray(value) ? value.length === 0 : value === '' || value === '//';
  if (empty) return a.required ? `Answer “${a.description}”` : undefined;
  const allowed = new Set(a.values?.map((v) => v.key));
  switch (a.datatype) {
    case 'number':
      return Number.isFinite(Number(value)) ? undefined : `“${a.description}” must be a number`;
    case 'datetime':
      return isoDate(String(value)) ? undefined : `“${a.description}” must be a real date, like 27 3 2026`;
    case 'string':
      return String(value).length > 200 ? `“${a.description}” must be 200 characters or fewer` : undefined;
    case 'text':
      return String(value).length > 2000 ? `“${a.description}” must be 2000 characters or fewer` : undefined;
    case 'singlevaluelist':
      return allowed.has(String(value)) ? undefined : `Answer “${a.description}”`;
    case 'multivaluelist':
      return (value as string[]).every((v) => allowed.has(v)) ? undefined : `Answer “${a.description}”`;
  }
}

/** The template's view of one question, with its answer and error. */
export function question(a: AttributeView, value: string | string[] | undefined, error: string | undefined) {
  const [day = '', month = '', year = ''] = typeof value === 'string' ? value.split('/') : [];
  return {
    code: a.code,
    datatype: a.datatype,
    label: a.description,
    hint: a.datatypeDescription,
    optional: !a.required,
    value: value ?? (a.datatype === 'multivaluelist' ? [] : ''),
    date: { day, month, year },
    items: (a.values ?? []).map((v) => ({
      value: v.key,
      text: v.name,
      checked: Array.isArray(value) ? value.includes(v.key) : value === v.key,
    })),
    error: error ? { text: error } : undefined,
  };
}

export const questionsOf = (service: ServiceView) =>
  service.attributes.filter((a) => a.variable).sort((a, b) => a.order - b.order);

export const answerQuestions: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const service = (await services(page)).find((s) => s.code === journey.serviceCode);
  if (!service) return { redirect: '/report' };
  const questions = questionsOf(service);
  let answers = journey.answers;
  let description = journey.description ?? '';
  const errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    answers = Object.fromEntries(questions.map((a) => [a.code, readAnswer(a, page.form)]));
    description = (page.form.get('description') ?? '').trim();
    for (const a of questions) {
      const problem = checkAnswer(a, answers[a.code] ?? '');
      if (problem) errors.push({ field: a.datatype === 'datetime' ? `${a.code}-day` : fieldId(a), text: problem });
    }
    if (description === '') errors.push({ field: 'description', text: 'Describe the problem' });
    else if (description.length > maxDescription)
      errors.push({ field: 'description', text: `The description must be ${maxDescription} characters or fewer` });
    if (errors.length === 0) {
      saveJourney(page, { ...journey, answers, description });
      return { redirect: journey.location ? '/report/check' : '/report/location' };
    }
  }
  return {
    view: 'report-questions',
    status: errors.length ? 400 : 200,
    data: {
      service,
      errors: errorSummary(errors),
      questions: questions.map((a) =>
        question(a, answers[a.code], errors.find((e) => e.field === fieldId(a) || e.field === `${a.code}-day`)?.text),
      ),
      description,
      descriptionError: errorFor(errors, 'description'),
      maxDescription,
    },
  };
};

/** The id of a question's first input, which the error summary links to (govuk-frontend ids follow names). */
const fieldId = (a: AttributeView) => a.code;

// --- 3. Where is it? -----------------------------------------------------------------------------

/** Metres around the selected address the map shows (web/client/pick-map.ts). */
export const pickRadius = 150;
/**
 * How far from the selected address a marked spot may be: the map's corner is
 * about 170 m away; anything further was not marked on that map (decision 0860).
 */
export const maxMarkDistance = 250;

/** Metres between two positions (equirectangular: exact enough at this range). */
function metresBetween(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const east = (b.long - a.long) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
  const north = (b.lat - a.lat) * 111_320;
  return Math.hypot(east, north);
}

const coordinate = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d{1,8})?$/)
    .transform(Number)
    .pipe(z.number().min(min).max(max));
/** The map's hidden fields: both empty (no mark, as without JavaScript) or both a position. */
const markSchema = z.union([
  z.object({ lat: z.literal('').optional(), long: z.literal('').optional() }).transform(() => undefined),
  z.object({ lat: coordinate(-90, 90), long: coordinate(-180, 180) }),
]);
const markError = 'Mark the place on the map again, or continue without marking it';

export const chooseLocation: PageHandler = async (page) => {
  const journey = journeyOf(page);
  if (!journey.serviceCode) return { redirect: '/report' };
  const url = new URL(page.request.url);
  const q = (page.request.method === 'POST' ? page.form.get('q') : url.searchParams.get('q'))?.trim() ?? '';
  const errors: FieldError[] = [];
  let found: z.infer<typeof addressView>[] = [];
  if (q !== '' || url.searchParams.has('q') || page.request.method === 'POST') {
    if (q.length < 2) errors.push({ field: 'q', text: 'Enter a postcode or a street name' });
    else if (q.length > 100)
      errors.push({ field: 'q', text: 'Enter a postcode or a street name of 100 characters or fewer' });
    else {
      found = addressesView.parse(ok(await page.api().GET('/addresses', { params: { query: { q } } }))).items;
      if (found.length === 0)
        errors.push({
          field: 'q',
          text: 'No addresses match that postcode or street: check it, or try the street name',
        });
    }
  }
  if (page.request.method === 'POST' && errors.length === 0) {
    const chosen = found.find((a) => a.uprn === page.form.get('uprn'));
    const mark = markSchema.safeParse({
      lat: page.form.get('lat') ?? undefined,
      long: page.form.get('long') ?? undefined,
    });
    // Inside the council's area because it is near an address from its gazetteer; the API checks the boundary too.
    const marked = mark.success && mark.data && (!chosen || metresBetween(chosen, mark.data) <= maxMarkDistance);
    if (!mark.success || (mark.data && !marked)) errors.push({ field: 'location-map', text: markError });
    else if (chosen) {
      const location = mark.data ? { ...chosen, ...mark.data, marked: true } : chosen;
      saveJourney(page, { ...journey, location });
      // Has it been reported already? (web/pages/nearby.ts, which goes on to check answers)
      return { redirect: '/report/nearby' };
    }
    if (!chosen) errors.push({ field: 'uprn', text: 'Select the address nearest the problem' });
  }
  return {
    view: 'report-location',
    status: errors.length ? 400 : 200,
    data: {
      q,
      errors: errorSummary(errors),
      qError: errorFor(errors, 'q'),
      uprnError: errorFor(errors, 'uprn'),
      mapError: errorFor(errors, 'location-map'),
      addresses: found.map((a) => ({ value: a.uprn, text: a.address, hint: { text: a.postcode } })),
      // For the map drawn by web/client/pick-map.ts, as JSON in a data- attribute (no inline script).
      places: JSON.stringify(found.map(({ uprn, address, lat, long }) => ({ uprn, address, lat, long }))),
      pickRadius,
    },
  };
};

// --- 4. Check answers, then file it ----------------------------------------------------------------

export function apiAttributes(service: ServiceView, answers: Journey['answers']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of questionsOf(service)) {
    const value = answers[a.code];
    if (value === undefined || value === '' || value === '//' || (Array.isArray(value) && value.length === 0)) continue;
    out[a.code] = a.datatype === 'number' ? Number(value) : a.datatype === 'datetime' ? isoDate(String(value)) : value;
  }
  return out;
}

function shownAnswer(a: AttributeView, value: string | string[] | undefined): string {
  if (value === undefined || value === '' || value === '//' || (Array.isArray(value) && value.length === 0))
    return 'Not answered';
  const name = (key: string) => a.values?.find((v) => v.key === key)?.name ?? key;
  if (Array.isArray(value)) return value.map(name).join(', ');
  if (a.datatype === 'datetime') {
    const iso = isoDate(value);
    return iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)) : value;
  }
  return a.values ? name(value) : value;
}

export const checkAnswers: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const service = (await services(page)).find((s) => s.code === journey.serviceCode);
  if (!service) return { redirect: '/report' };
  if (journey.description === undefined) return { redirect: '/report/questions' };
  if (!journey.location) return { redirect: '/report/location' };
  let problems: string[] = [];
  const photos = await reportPhotos(page);
  if (page.request.method === 'POST') {
    const { uprn, address, lat, long } = journey.location;
    const result = await page.api().POST('/requests', {
      params: { header: { 'Idempotency-Key': journey.key } },
      body: {
        serviceCode: service.code,
        description: journey.description,
        location: { uprn, address, lat, long },
        attributes: apiAttributes(service, journey.answers),
        photos: photos.ids,
      },
    });
    try {
      const created = requestView.pick({ id: true }).parse(ok(result));
      saveJourney(page, undefined);
      clearReportPhotos(page);
      return { redirect: `/report/confirmation/${encodeURIComponent(created.id)}` };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 422) throw error;
      problems = (error.problem.errors ?? []).map((e) => e.detail ?? 'Check your answers');
      if (problems.length === 0) problems = [error.problem.title ?? 'Check your answers'];
    }
  }
  const rows = [
    { key: 'Problem', value: service.name, href: '/report', label: 'the problem' },
    ...questionsOf(service).map((a) => ({
      key: a.description,
      value: shownAnswer(a, journey.answers[a.code]),
      href: '/report/questions',
      label: a.description.toLowerCase(),
    })),
    { key: 'Description', value: journey.description, href: '/report/questions', label: 'the description' },
    {
      key: 'Location',
      value:
        `${journey.location.address} (${journey.location.postcode})` +
        (journey.location.marked
          ? `, marked on the map at ${journey.location.lat.toFixed(5)}, ${journey.location.long.toFixed(5)}`
          : ''),
      href: '/report/location',
      label: 'the location',
    },
    { key: 'Photos', value: photos.row, href: '/report/photos', label: 'the photos' },
  ];
  return {
    view: 'report-check',
    status: problems.length ? 400 : 200,
    data: { rows, errors: problems.map((text) => ({ text })) },
  } satisfies PageResult;
};

// --- 5. Confirmation -------------------------------------------------------------------------------

export const confirmation: PageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const report = requestView.parse(ok(await page.api().GET('/requests/{id}', { params: { path: { id } } })));
  const photos = await photoItems(page, report.photos);
  return {
    view: 'report-confirmation',
    data: { report, photos, photosPending: photos.some((p) => p.status === 'pending') },
  };
};
