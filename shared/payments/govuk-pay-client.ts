/**
 * GOV.UK Pay's public API, over HTTP, exactly as documented: the production
 * adapter, used unchanged against the local stand-in (only the base URL differs).
 */
import { z } from 'zod';
import { AppError, dependencyUnavailable } from '../errors.js';

/**
 * A payment as GOV.UK Pay describes it (`PaymentWithAllLinks`, `CreatePaymentResult`,
 * `PaymentDetailForSearch` in pay-publicapi's openapi/publicapi_spec.json, and the
 * webhook resource, pay-webhooks' `PaymentApiRepresentation`). Only what Doorstep
 * reads is checked; other fields pass through unread.
 */
export const providerPaymentSchema = z.object({
  payment_id: z.string().min(1),
  amount: z.number().int(),
  reference: z.string(),
  state: z.object({
    status: z.string(),
    finished: z.boolean(),
    code: z.string().optional(),
    message: z.string().optional(),
  }),
  refund_summary: z
    .object({
      status: z.string(),
      amount_available: z.number().int(),
      amount_submitted: z.number().int(),
    })
    .optional(),
  _links: z.object({ next_url: z.object({ href: z.string() }).nullish() }).optional(),
});
export type ProviderPayment = z.output<typeof providerPaymentSchema>;

export const providerRefundSchema = z.object({
  refund_id: z.string().min(1),
  amount: z.number().int(),
  status: z.string(),
  payment_id: z.string().optional(),
  created_date: z.string().optional(),
});
export type ProviderRefund = z.output<typeof providerRefundSchema>;

const searchResultsSchema = z.object({ results: z.array(providerPaymentSchema) });
const paymentRefundsSchema = z.object({ _embedded: z.object({ refunds: z.array(providerRefundSchema) }) });
const refundSearchSchema = z.object({
  results: z.array(providerRefundSchema.extend({ payment_id: z.string() })),
  total: z.number().int().optional(),
  page: z.number().int().optional(),
  count: z.number().int().optional(),
});
/** GOV.UK Pay's largest `display_size` for a refund search. */
const refundPageSize = 500;

const errorSchema = z.object({ code: z.string().optional(), description: z.string().optional() }).optional();

export interface PaymentProvider {
  create(input: {
    amount: number;
    reference: string;
    description: string;
    returnUrl: string;
    metadata: Record<string, string>;
  }): Promise<ProviderPayment>;
  get(paymentId: string): Promise<ProviderPayment>;
  /** A payment found by reference: search results carry no `next_url`; `get` the payment for its links. */
  findByReference(reference: string): Promise<ProviderPayment | undefined>;
  refund(paymentId: string, amount: number, amountAvailable: number): Promise<ProviderRefund | 'available-changed'>;
  /** Every refund of a payment (`GET /v1/payments/{id}/refunds`). */
  refunds(paymentId: string): Promise<ProviderRefund[]>;
  /** One page of refunds of any payment created since `fromDate` (`GET /v1/refunds`). */
  searchRefunds(
    fromDate: Date,
    page: number,
  ): Promise<{ refunds: (ProviderRefund & { payment_id: string })[]; more: boolean }>;
}

export class ProviderRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export function govUkPayClient(options: {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): PaymentProvider {
  const doFetch = options.fetch ?? fetch;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    let response: Response;
    try {
      response = await doFetch(new URL(path, options.baseUrl.replace(/\/?$/, '/')), {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw dependencyUnavailable('GOV.UK Pay', error);
    }
    if (response.status >= 500 || response.status === 429) throw dependencyUnavailable('GOV.UK Pay');
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined; // Not JSON: fails the schema of any expected answer below.
    }
    return { status: response.status, json };
  };
  /** The body of an expected answer, parsed; a body that is not what GOV.UK Pay documents is not trusted. */
  const expect = <T>(r: { status: number; json: unknown }, ok: number[], schema: z.ZodType<T>): T => {
    if (!ok.includes(r.status)) {
      const parsed = errorSchema.safeParse(r.json);
      const e = parsed.success ? parsed.data : undefined;
      if (r.status === 401) throw new AppError('internal', 'GOV.UK Pay refused the API key.');
      throw new ProviderRejected(r.status, e?.code, e?.description ?? `GOV.UK Pay answered ${r.status}`);
    }
    const body = schema.safeParse(r.json);
    if (!body.success) throw dependencyUnavailable('GOV.UK Pay', body.error);
    return body.data;
  };
  return {
    async create(input) {
      return expect(
        await call('POST', 'v1/payments', {
          amount: input.amount,
          reference: input.reference,
          description: input.description,
          return_url: input.returnUrl,
          metadata: input.metadata,
          language: 'en',
        }),
        [201],
        providerPaymentSchema,
      );
    },
    async get(paymentId) {
      return expect(await call('GET', `v1/payments/${encodeURIComponent(paymentId)}`), [200], providerPaymentSchema);
    },
    async findByReference(reference) {
      const found = expect(
        await call('GET', `v1/payments?reference=${encodeURIComponent(reference)}`),
        [200],
        searchResultsSchema,
      );
      // `reference` is not unique at GOV.UK Pay: prefer a payment that can still be paid.
      const mine = found.results.filter((p) => p.reference === reference);
      return mine.find((p) => !p.state.finished) ?? mine[0];
    },
    async refund(paymentId, amount, amountAvailable) {
      const r = await call('POST', `v1/payments/${encodeURIComponent(paymentId)}/refunds`, {
        amount,
        refund_amount_available: amountAvailable,
      });
      if (r.status === 412) return 'available-changed';
      return expect(r, [200, 202], providerRefundSchema);
    },
    async refunds(paymentId) {
      const r = expect(
        await call('GET', `v1/payments/${encodeURIComponent(paymentId)}/refunds`),
        [200],
        paymentRefundsSchema,
      );
      return r._embedded.refunds;
    },
    async searchRefunds(fromDate, page) {
      // GOV.UK Pay takes dates to the second.
      const from = fromDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const r = expect(
        await call('GET', `v1/refunds?from_date=${from}&page=${page}&display_size=${refundPageSize}`),
        [200],
        refundSearchSchema,
      );
      const seen = (page - 1) * refundPageSize + r.results.length;
      return { refunds: r.results, more: r.total !== undefined && seen < r.total && r.results.length > 0 };
    },
  };
}
