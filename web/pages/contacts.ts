/**
 * Contact details and notification preferences (#15 item 6): one summary page with a
 * Change link per answer; a page per change; a new email address or mobile number goes
 * on to a "check your email / phone" page for the security code GOV.UK Notify sent,
 * and is used for notifications only once confirmed (API decision 0900). The address
 * waiting for its code is kept in the sealed session between pages.
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import { profileView, type ProfileView } from '../api/views.js';
import type { PageHandler, PageRequest, PageResult } from '../http/page.js';

type Channel = 'email' | 'phone';

interface FieldError {
  readonly field: string;
  readonly text: string;
}

const summaryOf = (errors: readonly FieldError[]) => errors.map((e) => ({ text: e.text, href: `#${e.field}` }));
const messageFor = (errors: readonly FieldError[], field: string) => {
  const e = errors.find((x) => x.field === field);
  return e ? { text: e.text } : undefined;
};

const problemSchema = z
  .object({ errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional() })
  .loose();
/** The API's message for one field of a 422, if it sent one. */
const apiFieldError = (error: unknown, pointer: string) =>
  problemSchema.safeParse(error).data?.errors?.find((e) => e.pointer === pointer)?.detail;

const pendingSchema = z.object({ email: z.string().optional(), phone: z.string().optional() });
const pendingOf = (page: PageRequest) => pendingSchema.safeParse(page.session.journeys?.contact).data ?? {};
const savePending = (page: PageRequest, channel: Channel, address: string | undefined) => {
  const { [channel]: _dropped, ...others } = pendingOf(page);
  const pending = address === undefined ? others : { ...others, [channel]: address };
  page.session = { ...page.session, journeys: { ...(page.session.journeys ?? {}), contact: pending } };
};

async function profileOf(page: PageRequest): Promise<ProfileView> {
  return profileView.parse(ok(await page.api().GET('/me')));
}

const words = {
  email: {
    noun: 'email address',
    label: 'Email address',
    field: 'email',
    check: 'Check your email',
    sentBy: 'an email',
    inputType: 'email',
    autocomplete: 'email',
    hint: 'We will send a security code to this address to check it is yours.',
  },
  phone: {
    noun: 'mobile number',
    label: 'UK mobile number',
    field: 'phone',
    check: 'Check your phone',
    sentBy: 'a text message',
    inputType: 'tel',
    autocomplete: 'tel',
    hint: 'For example, 07700 900 982. We will text a security code to this number to check it is yours.',
  },
} as const;

export const eventNames: Readonly<Record<string, string>> = {
  'status-changed': 'When the status of a report changes',
  'update-added': 'When the council adds news about a report',
  'payment-receipt': 'Receipts for payments',
  'document-checked': 'When a document you sent us has been checked',
};

// --- The summary: everything with a Change link ----------------------------------------------

export const contactDetails: PageHandler = async (page) => {
  const profile = await profileOf(page);
  const pending = pendingOf(page);
  const { contact, preferences } = profile;
  const state = (value: string | null | undefined, verified: boolean, waiting: string | undefined) => ({
    value: value ?? undefined,
    verified,
    waiting,
  });
  return {
    view: 'contact-details',
    data: {
      contact,
      email: state(contact.email, contact.emailVerified, pending.email),
      phone: state(contact.phone, contact.phoneVerified, pending.phone),
      channels: [...(preferences.email ? ['Email'] : []), ...(preferences.sms ? ['Text message'] : [])],
      events: preferences.events.map((e) => eventNames[e] ?? e),
    },
  };
};

// --- Name ------------------------------------------------------------------------------------

export const changeName: PageHandler = async (page) => {
  let name = (await profileOf(page)).contact.name ?? '';
  const errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    name = (page.form.get('name') ?? '').trim();
    if (name === '') errors.push({ field: 'name', text: 'Enter your name' });
    else if (name.length > 100) errors.push({ field: 'name', text: 'Your name must be 100 characters or fewer' });
    if (errors.length === 0) {
      ok(await page.api().PATCH('/me', { body: { name } }));
      page.session = { ...page.session, flash: 'Your name has been changed.' };
      return { redirect: '/my-account/contact' };
    }
  }
  return {
    view: 'contact-field',
    status: errors.length ? 400 : 200,
    data: {
      title: 'What is your name?',
      action: '/my-account/contact/name',
      field: { name: 'name', type: 'text', autocomplete: 'name', value: name },
      errors: summaryOf(errors),
      error: messageFor(errors, 'name'),
    },
  };
};

// --- A new email address or mobile number ----------------------------------------------------

const pathOf = (channel: Channel) => `/my-account/contact/${channel}`;

/** Asks the API to send a code; a problem becomes the field's error message. */
async function sendCode(page: PageRequest, channel: Channel, address: string): Promise<string | undefined> {
  const api = page.api();
  const { error, response } =
    channel === 'email'
      ? await api.POST('/me/contact/email', { body: { email: address } })
      : await api.POST('/me/contact/phone', { body: { phone: address } });
  if (response.ok) return undefined;
  if (response.status === 422)
    return apiFieldError(error, `/${channel}`) ?? `Enter a ${words[channel].noun} we can send a code to`;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after') ?? '3600');
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return `You have asked for too many security codes. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  if (response.status === 409) return 'We were already sending you a code. Wait for it, or try again';
  throw ok({ error, response });
}

function changeContact(channel: Channel): PageHandler {
  const w = words[channel];
  return async (page) => {
    const profile = await profileOf(page);
    let value = pendingOf(page)[channel] ?? (channel === 'email' ? profile.contact.email : profile.contact.phone) ?? '';
    const errors: FieldError[] = [];
    if (page.request.method === 'POST') {
      value = (page.form.get(w.field) ?? '').trim();
      if (value === '') errors.push({ field: w.field, text: `Enter your ${w.noun}` });
      else if (value.length > 254)
        errors.push({ field: w.field, text: `Your ${w.noun} must be 254 characters or fewer` });
      else {
        const problem = await sendCode(page, channel, value);
        if (problem) errors.push({ field: w.field, text: problem });
      }
      if (errors.length === 0) {
        savePending(page, channel, value);
        return { redirect: `${pathOf(channel)}/confirm` };
      }
    }
    return {
      view: 'contact-field',
      status: errors.length ? 400 : 200,
      data: {
        title: channel === 'email' ? 'What is your email address?' : 'What is your mobile number?',
        action: pathOf(channel),
        field: { name: w.field, type: w.inputType, autocomplete: w.autocomplete, value, hint: w.hint },
        button: 'Send security code',
        errors: summaryOf(errors),
        error: messageFor(errors, w.field),
      },
    };
  };
}

export const changeEmail = changeContact('email');
export const changePhone = changeContact('phone');

// --- The security code -----------------------------------------------------------------------

function confirmContact(channel: Channel): PageHandler {
  const w = words[channel];
  return async (page) => {
    const address = pendingOf(page)[channel];
    if (!address) return { redirect: pathOf(channel) };
    const errors: FieldError[] = [];
    let code = '';
    if (page.request.method === 'POST') {
      code = (page.form.get('code') ?? '').replace(/\s/g, '');
      if (code === '') errors.push({ field: 'code', text: 'Enter the security code' });
      else if (!/^\d{5}$/.test(code))
        errors.push({ field: 'code', text: 'Enter the security code: it is 5 numbers, like 12345' });
      else {
        const api = page.api();
        const { error, response } =
          channel === 'email'
            ? await api.POST('/me/contact/email/confirm', { body: { code } })
            : await api.POST('/me/contact/phone/confirm', { body: { code } });
        if (response.ok) {
          savePending(page, channel, undefined);
          page.session = { ...page.session, flash: `Your ${w.noun} has been confirmed.` };
          return { redirect: '/my-account/contact' };
        }
        if (response.status === 422)
          errors.push({ field: 'code', text: apiFieldError(error, '/code') ?? 'The security code is not right' });
        else if (response.status === 409)
          errors.push({ field: 'code', text: 'There is no security code waiting to be confirmed: send a new code' });
        else throw ok({ error, response });
      }
    }
    return confirmPage(channel, address, code, errors);
  };
}

function confirmPage(channel: Channel, address: string, code: string, errors: readonly FieldError[]): PageResult {
  const w = words[channel];
  return {
    view: 'contact-confirm',
    status: errors.length ? 400 : 200,
    data: {
      title: w.check,
      channel,
      address,
      sentBy: w.sentBy,
      noun: w.noun,
      action: `${pathOf(channel)}/confirm`,
      resend: `${pathOf(channel)}/resend`,
      change: pathOf(channel),
      code,
      errors: summaryOf(errors),
      error: messageFor(errors, 'code'),
    },
  };
}

export const confirmEmail = confirmContact('email');
export const confirmPhone = confirmContact('phone');

function resendCode(channel: Channel): PageHandler {
  return async (page) => {
    const address = pendingOf(page)[channel];
    if (!address) return { redirect: pathOf(channel) };
    const problem = await sendCode(page, channel, address);
    if (problem) return confirmPage(channel, address, '', [{ field: 'code', text: problem }]);
    page.session = { ...page.session, flash: `We have sent a new security code to ${address}.` };
    return { redirect: `${pathOf(channel)}/confirm` };
  };
}

export const resendEmailCode = resendCode('email');
export const resendPhoneCode = resendCode('phone');

// --- Notification preferences ----------------------------------------------------------------

export const changePreferences: PageHandler = async (page) => {
  const profile = await profileOf(page);
  let channels = [...(profile.preferences.email ? ['email'] : []), ...(profile.preferences.sms ? ['sms'] : [])];
  let events: string[] = [...profile.preferences.events];
  const known = Object.keys(eventNames);
  const errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    channels = page.form.getAll('channels').filter((c) => c === 'email' || c === 'sms');
    events = page.form.getAll('events').filter((e) => known.includes(e));
    if (channels.includes('email') && !profile.contact.emailVerified)
      errors.push({ field: 'channels', text: 'Confirm an email address before choosing email' });
    else if (channels.includes('sms') && !profile.contact.phoneVerified)
      errors.push({ field: 'channels', text: 'Confirm a mobile number before choosing text message' });
    if (channels.length > 0 && events.length === 0)
      errors.push({ field: 'events', text: 'Select which updates you want, or choose no way to contact you' });
    if (errors.length === 0) {
      ok(
        await page.api().PATCH('/me', {
          body: {
            preferences: {
              email: channels.includes('email'),
              sms: channels.includes('sms'),
              events: events as ('status-changed' | 'update-added' | 'payment-receipt' | 'document-checked')[],
            },
          },
        }),
      );
      page.session = { ...page.session, flash: 'Your notification choices have been saved.' };
      return { redirect: '/my-account/contact' };
    }
  }
  const contact = profile.contact;
  return {
    view: 'contact-preferences',
    status: errors.length ? 400 : 200,
    data: {
      errors: summaryOf(errors),
      channelsError: messageFor(errors, 'channels'),
      eventsError: messageFor(errors, 'events'),
      channelItems: [
        {
          value: 'email',
          text: 'Email',
          hint: { text: contact.emailVerified ? (contact.email ?? '') : 'Confirm an email address first' },
          checked: channels.includes('email'),
        },
        {
          value: 'sms',
          text: 'Text message',
          hint: { text: contact.phoneVerified ? (contact.phone ?? '') : 'Confirm a mobile number first' },
          checked: channels.includes('sms'),
        },
      ],
      eventItems: known.map((e) => ({ value: e, text: eventNames[e], checked: events.includes(e) })),
    },
  };
};
