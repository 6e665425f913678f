/**
 * Councillors' casework in the staff workspace (decision 1050): their enquiries with
 * the state and deadline of each, one enquiry with the request's progress, raising an
 * enquiry for a resident (their consent recorded) and the requests in their wards.
 * Councillors sign in at the staff sign-in; the API checks the councillor role again.
 */
import { z } from 'zod';
import { ok, type DoorstepApi } from '../api/client.js';
import { requestView, serviceView, statusNames, type ServiceView } from '../api/views.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import { apiAttributes, checkAnswer, isoDate, question, questionsOf, readAnswer } from './report.js';
import { formErrorData, type FormError } from '../staff/form-errors.js';

const enquirySummary = z.object({
  id: z.string(),
  requestId: z.string(),
  serviceCode: z.string(),
  ward: z.string().nullable(),
  raisedAt: z.string(),
  respondBy: z.string(),
  state: z.enum(['awaiting-response', 'responded']),
  respondedAt: z.string().nullable(),
});
const enquiryView = enquirySummary.extend({
  resident: z.object({
    name: z.string(),
    email: z.string().optional(),
    phone: z.string().optional(),
    address: z.string().optional(),
  }),
  consent: z.object({ how: z.string(), givenAt: z.string(), recordedAt: z.string() }),
});
const servicesView = z.object({ items: z.array(serviceView) });
const wardsView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) });
const wardRequestsView = z.object({
  wards: z.array(z.string()),
  requests: z.array(
    z.object({
      id: z.string(),
      serviceName: z.string(),
      status: z.enum(Object.keys(statusNames) as [keyof typeof statusNames, ...(keyof typeof statusNames)[]]),
      ward: z.string(),
      createdAt: z.string(),
      enquiry: z.object({ id: z.string() }).nullish(),
    }),
  ),
});
const addressesView = z.object({
  items: z.array(
    z.object({ uprn: z.string(), address: z.string(), postcode: z.string(), lat: z.number(), long: z.number() }),
  ),
});

export const stateNames = { 'awaiting-response': 'Awaiting a response', responded: 'Responded' } as const;

/** How the resident gave consent, as the API names it (shared/casework/model.ts `consentMethods`). */
const consentMethods = [
  { value: 'in-person', text: 'In person' },
  { value: 'surgery', text: 'At a surgery' },
  { value: 'phone', text: 'By phone' },
  { value: 'email', text: 'By email' },
  { value: 'letter', text: 'By letter' },
] as const;

const servicesOf = async (api: DoorstepApi) => servicesView.parse(ok(await api.GET('/services'))).items;
const wardNames = async (api: DoorstepApi) =>
  new Map(wardsView.parse(ok(await api.GET('/wards'))).items.map((w) => [w.code, w.name]));

const notificationsView = z.object({ email: z.string().nullable(), emailUpdates: z.boolean() });

/**
 * My enquiries, with where the councillor is told of them (decision 1052): the address their
 * directory gave, and one button to turn the emails off or back on (a form: no JavaScript needed).
 */
export const myEnquiries: StaffPageHandler = async (page) => {
  const api = page.api();
  if (page.request.method === 'POST') {
    const choice = page.form.get('emailUpdates');
    if (choice === 'on' || choice === 'off') {
      ok(await api.PUT('/councillor/notifications', { body: { emailUpdates: choice === 'on' } }));
      page.session = {
        ...page.session,
        flash:
          choice === 'on'
            ? 'You will be emailed when your enquiries are updated.'
            : 'You will no longer be emailed when your enquiries are updated.',
      };
    }
    return { redirect: '/staff/councillor/enquiries' };
  }
  // Read after the list, whose call refreshes the address from this sign-in's token.
  const [found, services, wards] = await Promise.all([
    api.GET('/councillor/enquiries').then((r) => z.object({ items: z.array(enquirySummary) }).parse(ok(r)).items),
    servicesOf(api),
    wardNames(api),
  ]);
  const notifications = notificationsView.parse(ok(await api.GET('/councillor/notifications')));
  const names = new Map(services.map((s) => [s.code, s.name]));
  return {
    view: 'councillor-enquiries',
    data: {
      notifications,
      items: found.map((e) => ({
        ...e,
        href: `/staff/councillor/enquiries/${encodeURIComponent(e.id)}`,
        serviceName: names.get(e.serviceCode) ?? e.serviceCode,
        wardName: e.ward ? (wards.get(e.ward) ?? e.ward) : 'Not known',
        stateName: stateNames[e.state],
      })),
    },
  };
};

export const oneEnquiry: StaffPageHandler = async (page) => {
  const api = page.api();
  const id = page.request.params.id ?? '';
  const enquiry = enquiryView.parse(ok(await api.GET('/councillor/enquiries/{id}', { params: { path: { id } } })));
  // The councillor is the request's reporter: they read it as its reporter does.
  const [request, wards] = await Promise.all([
    api.GET('/requests/{id}', { params: { path: { id: enquiry.requestId } } }).then((r) => requestView.parse(ok(r))),
    wardNames(api),
  ]);
  return {
    view: 'councillor-enquiry',
    data: {
      enquiry,
      request,
      stateName: stateNames[enquiry.state],
      statusName: statusNames[request.status],
      wardName: enquiry.ward ? (wards.get(enquiry.ward) ?? enquiry.ward) : 'Not known',
      consentName: consentMethods.find((c) => c.value === enquiry.consent.how)?.text ?? enquiry.consent.how,
      timeline: [...request.timeline]
        .sort((a, b) => b.at.localeCompare(a.at))
        .map((t) => ({ ...t, title: t.status ? statusNames[t.status] : t.kind === 'update' ? 'Update' : 'Received' })),
    },
  };
};

/** First question: what the enquiry is about (a GET form, so it works without JavaScript). */
export const chooseEnquiryService: StaffPageHandler = async (page) => {
  const services = await servicesOf(page.api());
  const chosen = page.query.get('service');
  if (chosen !== null && services.some((s) => s.code === chosen))
    return { redirect: `/staff/councillor/enquiries/new/details?service=${encodeURIComponent(chosen)}` };
  const errors = chosen === null ? [] : [{ field: 'service', text: 'Select what the enquiry is about' }];
  return {
    view: 'councillor-enquiry-service',
    status: errors.length ? 400 : 200,
    data: {
      ...formErrorData(errors),
      serviceItems: services.map((s) => ({ value: s.code, text: s.name })),
    },
  };
};

const maxDescription = 1000;
const residentSchema = z.object({
  name: z.string().trim().min(1, 'Enter the resident’s name').max(100, 'The name must be 100 characters or fewer'),
  email: z
    .union([z.literal(''), z.email('Enter an email address in the correct format, like name@example.com')])
    .optional(),
  phone: z
    .union([z.literal(''), z.string().regex(/^\+?[0-9 ]{10,16}$/, 'Enter a UK phone number, like 01632 960 001')])
    .optional(),
});

/**
 * The enquiry: the service's own questions, where the problem is (an address found by
 * postcode or street), who the resident is and how and when they gave their consent.
 * "Find address" posts back to the same page; "Raise enquiry" sends it to the API.
 */
export const enquiryDetails: StaffPageHandler = async (page) => {
  const api = page.api();
  const code = page.query.get('service') ?? '';
  const service = (await servicesOf(api)).find((s) => s.code === code);
  if (!service) return { redirect: '/staff/councillor/enquiries/new' };
  const form = page.form;
  const posted = page.request.method === 'POST';
  const questions = questionsOf(service);
  const answers: Record<string, string | string[]> = posted
    ? Object.fromEntries(questions.map((a) => [a.code, readAnswer(a, form)]))
    : {};
  const value = (name: string) => (form.get(name) ?? '').trim();
  const q = value('q');
  const errors: FormError[] = [];
  let addresses: z.infer<typeof addressesView>['items'] = [];
  if (posted && q !== '') {
    addresses = addressesView.parse(ok(await api.GET('/addresses', { params: { query: { q } } }))).items;
    if (addresses.length === 0)
      errors.push({ field: 'q', text: 'No addresses match that postcode or street: check it, or try the street name' });
  }
  if (posted && value('action') === 'raise') {
    const raised = await raise(page, service, answers, addresses, errors);
    if (raised) return raised;
  }
  return {
    view: 'councillor-enquiry-details',
    status: errors.length ? 400 : 200,
    data: {
      service,
      action: `/staff/councillor/enquiries/new/details?service=${encodeURIComponent(service.code)}`,
      ...formErrorData(errors),
      questions: questions.map((a) =>
        question(a, answers[a.code], errors.find((e) => e.field === a.code || e.field === `${a.code}-day`)?.text),
      ),
      values: Object.fromEntries(
        ['description', 'q', 'name', 'email', 'phone', 'given-day', 'given-month', 'given-year'].map((n) => [
          n,
          value(n),
        ]),
      ),
      addressItems: addresses.map((a) => ({
        value: a.uprn,
        text: a.address,
        hint: { text: a.postcode },
        checked: value('uprn') === a.uprn,
      })),
      consentItems: consentMethods.map((c) => ({ ...c, checked: value('how') === c.value })),
      consentGiven: form.get('consent') === 'yes',
      maxDescription,
    },
  };
};

async function raise(
  page: StaffPageRequest,
  service: ServiceView,
  answers: Record<string, string | string[]>,
  addresses: readonly { uprn: string; address: string; lat: number; long: number }[],
  errors: FormError[],
): Promise<StaffPageResult | undefined> {
  const value = (name: string) => (page.form.get(name) ?? '').trim();
  for (const a of questionsOf(service)) {
    const problem = checkAnswer(a, answers[a.code] ?? '');
    if (problem) errors.push({ field: a.datatype === 'datetime' ? `${a.code}-day` : a.code, text: problem });
  }
  const description = value('description');
  if (description === '') errors.push({ field: 'description', text: 'Describe the problem' });
  else if (description.length > maxDescription)
    errors.push({ field: 'description', text: `The description must be ${maxDescription} characters or fewer` });
  const place = addresses.find((a) => a.uprn === value('uprn'));
  if (value('q') === '') errors.push({ field: 'q', text: 'Enter a postcode or street to find the address' });
  else if (addresses.length > 0 && !place)
    errors.push({ field: 'uprn', text: 'Select the address nearest the problem' });
  const resident = residentSchema.safeParse({ name: value('name'), email: value('email'), phone: value('phone') });
  if (!resident.success)
    for (const issue of resident.error.issues) errors.push({ field: String(issue.path[0]), text: issue.message });
  if (page.form.get('consent') !== 'yes')
    errors.push({ field: 'consent', text: 'Confirm the resident agreed to you acting for them' });
  const how = consentMethods.find((c) => c.value === value('how'));
  if (!how) errors.push({ field: 'how', text: 'Select how the resident gave their consent' });
  const given = isoDate(['given-day', 'given-month', 'given-year'].map(value).join('/'));
  const today = new Date().toISOString().slice(0, 10);
  if (!given) errors.push({ field: 'given-day', text: 'Enter the date consent was given, like 27 3 2026' });
  else if (given > today)
    errors.push({ field: 'given-day', text: 'The date consent was given must be today or in the past' });
  if (errors.length > 0 || !place || !how || !given || !resident.success) return undefined;
  const result = await page.api().POST('/councillor/enquiries', {
    body: {
      request: {
        serviceCode: service.code,
        description,
        location: { uprn: place.uprn, address: place.address, lat: place.lat, long: place.long },
        attributes: apiAttributes(service, answers),
        photos: [],
      },
      resident: {
        name: resident.data.name,
        ...(resident.data.email ? { email: resident.data.email } : {}),
        ...(resident.data.phone ? { phone: resident.data.phone } : {}),
        address: place.address,
      },
      // On the day given, at noon UK time or now if earlier: never in the future.
      consent: { how: how.value, givenAt: given === today ? new Date().toISOString() : `${given}T12:00:00Z` },
    },
  });
  const created = z.object({ id: z.string() }).parse(ok(result));
  page.session = { ...page.session, flash: 'Enquiry raised. The council will respond by the date shown.' };
  return { redirect: `/staff/councillor/enquiries/${encodeURIComponent(created.id)}` };
}

export const wardRequests: StaffPageHandler = async (page) => {
  const api = page.api();
  const ward = page.query.get('ward') || undefined;
  const read = async (query: { ward?: string }) => {
    const r = await api.GET('/councillor/requests', { params: { query } });
    return r.response.status === 422 ? undefined : wardRequestsView.parse(ok(r));
  };
  // A ward that is not theirs is an error to show, with their own wards' requests beside it.
  const [asked, wards] = await Promise.all([read(ward ? { ward } : {}), wardNames(api)]);
  const found = asked ?? (await read({}));
  const errors = asked ? [] : [{ field: 'ward', text: 'Select one of your wards' }];
  const mine = found?.wards ?? [];
  return {
    view: 'councillor-requests',
    status: errors.length ? 400 : 200,
    data: {
      ...formErrorData(errors),
      hasWards: mine.length > 0,
      wardItems: [
        { value: '', text: 'All my wards' },
        ...mine.map((code) => ({ value: code, text: wards.get(code) ?? code, selected: ward === code })),
      ],
      items: (found?.requests ?? []).map((r) => ({
        ...r,
        statusName: statusNames[r.status],
        wardName: wards.get(r.ward) ?? r.ward,
        isEnquiry: Boolean(r.enquiry),
      })),
    },
  };
};
