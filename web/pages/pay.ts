/**
 * Pay for a council service, one thing per page: what it is → how many (priced per
 * item) or the penalty charge notice's number → check answers → GOV.UK Pay's own
 * pages → back here, where the outcome is read through the API (GOV.UK Pay adds
 * nothing to the return URL: the payment is the one this session started). Answers
 * wait in the sealed session; each hand-off uses one Idempotency-Key, so a double
 * submit starts one payment, and a new attempt after a declined card gets a new key.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError, ok } from '../api/client.js';
import type { PageHandler, PageRequest } from '../http/page.js';

const payableItemView = z.object({
  code: z.string(),
  name: z.string(),
  description: z.string(),
  pricing: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), amountPence: z.number() }),
    z.object({ kind: z.literal('per-unit'), unitPence: z.number(), maxUnits: z.number() }),
    z.object({ kind: z.literal('penalty-notice') }),
  ]),
});
type PayableItemView = z.infer<typeof payableItemView>;
const payableItemsView = z.object({ items: z.array(payableItemView) });

const failureReason = z.enum(['declined', 'expired', 'cancelled', 'cancelled-by-council', 'error']);

export const paymentView = z.object({
  id: z.string(),
  itemCode: z.string(),
  description: z.string(),
  amount: z.number(),
  status: z.string(),
  finished: z.boolean(),
  noticeReference: z.string().optional(),
  nextUrl: z.string().optional(),
  failureReason: failureReason.optional(),
  refunded: z.number().default(0),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PaymentView = z.infer<typeof paymentView>;

const noticeView = z.object({ reference: z.string(), amount: z.number(), payable: z.boolean() });

export const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;

/** What a resident reads for a payment's state, wherever it is shown. */
export function paymentStatusName(p: {
  status: string;
  failureReason?: string | undefined;
  refunded?: number;
  amount: number;
}): string {
  if (p.status === 'success') {
    if ((p.refunded ?? 0) >= p.amount) return 'Refunded';
    return (p.refunded ?? 0) > 0 ? 'Partly refunded' : 'Paid';
  }
  switch (p.failureReason) {
    case 'declined':
      return 'Card declined';
    case 'cancelled':
      return 'Cancelled';
    case 'expired':
      return 'Timed out';
    case 'cancelled-by-council':
      return 'Cancelled by the council';
    case 'error':
      return 'Not taken';
  }
  return p.status === 'failed' || p.status === 'cancelled' || p.status === 'error' ? 'Not taken' : 'In progress';
}

const journeySchema = z.object({
  key: z.string(),
  itemCode: z.string().optional(),
  quantity: z.number().optional(),
  reference: z.string().optional(),
  /** The payment handed to GOV.UK Pay, whose outcome the return page reads. */
  pending: z.string().optional(),
});
type Journey = z.infer<typeof journeySchema>;

const journeyOf = (page: PageRequest): Journey => {
  const parsed = journeySchema.safeParse(page.session.journeys?.pay);
  return parsed.success ? parsed.data : { key: randomUUID() };
};
const saveJourney = (page: PageRequest, journey: Journey | undefined) => {
  const journeys = { ...(page.session.journeys ?? {}) };
  if (journey) journeys.pay = journey;
  else delete journeys.pay;
  page.session = { ...page.session, journeys };
};

interface FieldError {
  readonly field: string;
  readonly text: string;
}
const errorSummary = (errors: readonly FieldError[]) => errors.map((e) => ({ text: e.text, href: `#${e.field}` }));
const errorFor = (errors: readonly FieldError[], field: string) => {
  const e = errors.find((x) => x.field === field);
  return e ? { text: e.text } : undefined;
};

async function payableItems(page: PageRequest): Promise<PayableItemView[]> {
  return payableItemsView.parse(ok(await page.api().GET('/payable-items'))).items;
}

const priceText = (item: PayableItemView) =>
  item.pricing.kind === 'fixed'
    ? pounds(item.pricing.amountPence)
    : item.pricing.kind === 'per-unit'
      ? `${pounds(item.pricing.unitPence)} an item`
      : 'The amount on your notice';

/** The page after choosing, for each kind of price. */
const nextStep = (item: PayableItemView) =>
  item.pricing.kind === 'per-unit'
    ? '/pay/quantity'
    : item.pricing.kind === 'penalty-notice'
      ? '/pay/penalty-notice'
      : '/pay/check';

async function chosenItem(page: PageRequest, journey: Journey): Promise<PayableItemView | undefined> {
  return (await payableItems(page)).find((i) => i.code === journey.itemCode);
}

// --- 1. What do you want to pay for? -------------------------------------------------------------

export const chooseItem: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const items = await payableItems(page);
  let errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    const code = page.form.get('itemCode') ?? '';
    const item = items.find((i) => i.code === code);
    if (item) {
      // Another item: what was answered for the last one no longer applies.
      const next: Journey = code === journey.itemCode ? journey : { key: randomUUID(), itemCode: code };
      saveJourney(page, next);
      return { redirect: nextStep(item) };
    }
    errors = [{ field: 'itemCode', text: 'Select what you want to pay for' }];
  }
  return {
    view: 'pay-item',
    status: errors.length ? 400 : 200,
    data: {
      errors: errorSummary(errors),
      error: errorFor(errors, 'itemCode'),
      items: items.map((i) => ({
        value: i.code,
        text: i.name,
        hint: { text: `${i.description} ${priceText(i)}.` },
        checked: i.code === journey.itemCode,
      })),
    },
  };
};

// --- 2a. How many items? (priced per item) ---------------------------------------------------------

export const chooseQuantity: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const item = await chosenItem(page, journey);
  if (!item) return { redirect: '/pay' };
  if (item.pricing.kind !== 'per-unit') return { redirect: nextStep(item) };
  const { unitPence, maxUnits } = item.pricing;
  let value = journey.quantity === undefined ? '' : String(journey.quantity);
  const errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    value = (page.form.get('quantity') ?? '').trim();
    const n = Number(value);
    if (value === '') errors.push({ field: 'quantity', text: 'Enter how many items you want collected' });
    else if (!/^-?\d+$/.test(value))
      errors.push({ field: 'quantity', text: 'The number of items must be a whole number, like 3' });
    else if (n < 1) errors.push({ field: 'quantity', text: 'The number of items must be 1 or more' });
    else if (n > maxUnits)
      errors.push({ field: 'quantity', text: `You can book up to ${maxUnits} items in one collection` });
    if (errors.length === 0) {
      saveJourney(page, { ...journey, quantity: n });
      return { redirect: '/pay/check' };
    }
  }
  return {
    view: 'pay-quantity',
    status: errors.length ? 400 : 200,
    data: {
      item,
      value,
      hint: `${pounds(unitPence)} an item, up to ${maxUnits} items.`,
      errors: errorSummary(errors),
      error: errorFor(errors, 'quantity'),
    },
  };
};

// --- 2b. The penalty charge notice's number ----------------------------------------------------------

const pcnFormat = /^[A-Z]{2}\d{8}$/;

export const choosePenaltyNotice: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const item = await chosenItem(page, journey);
  if (!item) return { redirect: '/pay' };
  if (item.pricing.kind !== 'penalty-notice') return { redirect: nextStep(item) };
  let value = journey.reference ?? '';
  const errors: FieldError[] = [];
  if (page.request.method === 'POST') {
    value = (page.form.get('reference') ?? '').trim();
    // Residents type what is printed, with spaces or in lower case.
    const reference = value.replace(/\s+/g, '').toUpperCase();
    if (value === '') errors.push({ field: 'reference', text: 'Enter your penalty charge notice number' });
    else if (!pcnFormat.test(reference))
      errors.push({
        field: 'reference',
        text: 'Enter the penalty charge notice number as it is shown on the notice: 2 letters then 8 numbers, like BS12345678',
      });
    else {
      const found = await page.api().GET('/penalty-notices/{reference}', { params: { path: { reference } } });
      if (found.response.status === 404)
        errors.push({
          field: 'reference',
          text: 'We cannot find a penalty charge notice with that number. Check it against your notice',
        });
      else {
        const notice = noticeView.parse(ok(found));
        if (!notice.payable)
          errors.push({ field: 'reference', text: 'This penalty charge notice has already been paid' });
        else {
          saveJourney(page, { ...journey, reference });
          return { redirect: '/pay/check' };
        }
      }
    }
  }
  return {
    view: 'pay-penalty-notice',
    status: errors.length ? 400 : 200,
    data: { value, errors: errorSummary(errors), error: errorFor(errors, 'reference') },
  };
};

// --- 3. Check answers, then hand over to GOV.UK Pay --------------------------------------------------

export const checkAnswers: PageHandler = async (page) => {
  const journey = journeyOf(page);
  const item = await chosenItem(page, journey);
  if (!item) return { redirect: '/pay' };
  let amount: number;
  const rows: { key: string; value: string; href?: string; label?: string }[] = [
    { key: 'Paying for', value: item.name, href: '/pay', label: 'what you are paying for' },
  ];
  switch (item.pricing.kind) {
    case 'fixed':
      amount = item.pricing.amountPence;
      break;
    case 'per-unit':
      if (journey.quantity === undefined) return { redirect: '/pay/quantity' };
      amount = item.pricing.unitPence * journey.quantity;
      rows.push({
        key: 'Number of items',
        value: String(journey.quantity),
        href: '/pay/quantity',
        label: 'the number of items',
      });
      break;
    case 'penalty-notice': {
      if (!journey.reference) return { redirect: '/pay/penalty-notice' };
      const found = await page
        .api()
        .GET('/penalty-notices/{reference}', { params: { path: { reference: journey.reference } } });
      const notice = found.response.status === 404 ? undefined : noticeView.parse(ok(found));
      // Paid (or withdrawn) since it was entered: ask again, with the reason shown there.
      if (!notice?.payable) return { redirect: '/pay/penalty-notice' };
      amount = notice.amount;
      rows.push({
        key: 'Penalty charge notice number',
        value: notice.reference,
        href: '/pay/penalty-notice',
        label: 'the penalty charge notice number',
      });
      break;
    }
  }
  rows.push({ key: 'Amount to pay', value: pounds(amount) });

  const problems: string[] = [];
  let status = 200;
  if (page.request.method === 'POST') {
    const result = await page.api().POST('/payments', {
      params: { header: { 'Idempotency-Key': journey.key } },
      body: {
        itemCode: item.code,
        ...(item.pricing.kind === 'per-unit' ? { quantity: journey.quantity } : {}),
        ...(item.pricing.kind === 'penalty-notice' ? { reference: journey.reference } : {}),
      },
    });
    try {
      const payment = paymentView.parse(ok(result));
      // A fresh key for any later attempt (after a declined card, say); this one is spent.
      saveJourney(page, { ...journey, key: randomUUID(), pending: payment.id });
      if (payment.nextUrl && !payment.finished) return { redirect: payment.nextUrl };
      return { redirect: `/pay/return?payment=${encodeURIComponent(payment.id)}` };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 422) {
        problems.push(...(error.problem.errors ?? []).map((e) => e.detail ?? 'Check your answers'));
        if (problems.length === 0) problems.push(error.problem.title ?? 'Check your answers');
        status = 400;
      } else if (error.status === 503 || error.status === 429) {
        problems.push('The payment service is busy. Wait a minute, then try again: you have not been charged twice.');
        status = 503;
      } else throw error;
    }
  }
  return {
    view: 'pay-check',
    status,
    data: {
      rows,
      back: nextStep(item) === '/pay/check' ? '/pay' : nextStep(item),
      errors: problems.map((text) => ({ text })),
    },
  };
};

// --- 4. Back from GOV.UK Pay: the real outcome, read through the API ---------------------------------

export const paymentReturn: PageHandler = async (page) => {
  const journey = journeyOf(page);
  // The session says which payment this browser handed over; the id Doorstep put in the
  // return URL stands in when the session was lost on the way (the API still checks the owner).
  const id = journey.pending ?? new URL(page.request.url).searchParams.get('payment') ?? '';
  if (!id) return { redirect: '/my-account' };
  const payment = paymentView.parse(ok(await page.api().GET('/payments/{id}', { params: { path: { id } } })));
  const outcome =
    payment.status === 'success' ? 'success' : !payment.finished ? 'in-progress' : (payment.failureReason ?? 'error');
  // Done with: a paid journey ends; after a failure the answers stay for another try.
  if (outcome === 'success') saveJourney(page, undefined);
  else if (payment.finished && journey.pending === id) {
    const { pending: _spent, ...rest } = journey;
    saveJourney(page, rest);
  }
  return {
    view: 'pay-return',
    data: {
      payment,
      outcome,
      amount: pounds(payment.amount),
      retry: payment.finished && outcome !== 'success' && journey.itemCode !== undefined,
      refreshUrl: `/pay/return?payment=${encodeURIComponent(payment.id)}`,
    },
  };
};

// --- A payment's receipt, from My Account --------------------------------------------------------------

export const receipt: PageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const payment = paymentView.parse(ok(await page.api().GET('/payments/{id}', { params: { path: { id } } })));
  return {
    view: 'payment',
    data: {
      payment,
      statusName: paymentStatusName(payment),
      amount: pounds(payment.amount),
      refunded: payment.refunded > 0 ? pounds(payment.refunded) : undefined,
    },
  };
};
