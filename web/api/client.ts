/**
 * Doorstep's public API as the site calls it: openapi-fetch over the types
 * generated from the API's own OpenAPI document, so a path, method or parameter
 * the API does not describe fails the type check. The API does not describe its
 * response bodies yet, so each one is parsed here with a schema (`views.ts`).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi-types.js';

export type DoorstepApi = Client<paths>;

/** A call the API refused; pages turn it into the right message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { readonly title?: string; readonly errors?: readonly { pointer?: string; detail?: string }[] },
  ) {
    super(`Doorstep API answered ${status}${problem.title ? `: ${problem.title}` : ''}`);
    this.name = 'ApiError';
  }
}

export function doorstepApi(baseUrl: string, accessToken?: string): DoorstepApi {
  const client = createClient<paths>({ baseUrl });
  if (accessToken)
    client.use({
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${accessToken}`);
        return request;
      },
    });
  return client;
}

/** The body of a successful answer, or an ApiError. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  const problem = (result.error ?? {}) as ApiError['problem'];
  throw new ApiError(result.response.status, problem);
}
