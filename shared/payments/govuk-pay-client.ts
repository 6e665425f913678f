/**
 * GOV.UK Pay's public API, over HTTP, exactly as documented: the production
 * adapter, used unchanged against the local stand-in (only the base URL differs).
 */
import { AppError, dependencyUnavailable } from '../errors.js';

export interface ProviderPayment {
  readonly payment_id: string;
  readonly amount: number;
  readonly reference: string;
  readonly state: {
    readonly status: string;
    readonly finished: boolean;
    readonly code?: string;
    readonly message?: string;
  };
  readonly refund_summary?: {
    readonly status: string;
    readonly amount_available: number;
    readonly amount_submitted: number;
  };
  readonly _links?: { readonly next_url?: { readonly href: string } | null };
}

export interface ProviderRefund {
  readonly refund_id: string;
  readonly amount: number;
  readonly status: string;
}

export interface PaymentProvider {
  create(input: {
    amount: number;
    reference: string;
    description: string;
    returnUrl: string;
    metadata: Record<string, string>;
  }): Promise<ProviderPayment>;
  get(paymentId: string): Promise<ProviderPayment>;
  findByReference(reference: string): Promise<ProviderPayment | undefined>;
  refund(paymentId: string, amount: number, amountAvailable: number): Promise<ProviderRefund | 'available-changed'>;
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
    const json: unknown = text ? JSON.parse(text) : undefined;
    return { status: response.status, json };
  };
  /** The body of an expected answer; GOV.UK Pay's documented shapes are trusted from here. */
  const expect = (r: { status: number; json: unknown }, ok: number[]): unknown => {
    if (!ok.includes(r.status)) {
      const e = r.json as { code?: string; description?: string } | undefined;
      if (r.status === 401) throw new AppError('internal', 'GOV.UK Pay refused the API key.');
      throw new ProviderRejected(r.status, e?.code, e?.description ?? `GOV.UK Pay answered ${r.status}`);
    }
    return r.json;
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
      ) as ProviderPayment;
    },
    async get(paymentId) {
      return expect(await call('GET', `v1/payments/${encodeURIComponent(paymentId)}`), [200]) as ProviderPayment;
    },
    async findByReference(reference) {
      const found = expect(await call('GET', `v1/payments?reference=${encodeURIComponent(reference)}`), [200]) as {
        results: ProviderPayment[];
      };
      return found.results.find((p) => p.reference === reference);
    },
    async refund(paymentId, amount, amountAvailable) {
      const r = await call('POST', `v1/payments/${encodeURIComponent(paymentId)}/refunds`, {
        amount,
        refund_amount_available: amountAvailable,
      });
      if (r.status === 412) return 'available-changed';
      return expect(r, [200, 202]) as ProviderRefund;
    },
  };
}
