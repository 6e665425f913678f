import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { addressSearchQuery, maxAddresses } from '../shared/addresses/addresses.js';
import { AppError } from '../shared/errors.js';
import { parseQuery } from '../shared/http/request.js';
import { publicJson } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';

/** Public, like the catalogue: addresses are not personal data, and a front end needs them before sign-in. */
export async function searchAddresses(request: HttpRequest): Promise<HttpResponseInit> {
  const { q } = parseQuery(request, addressSearchQuery);
  // No adapter for a real address service (OS Places) exists yet: say so rather than invent addresses.
  const lookup = depsFor.addresses();
  if (!lookup) throw new AppError('dependency-unavailable', 'No address service is configured.');
  return publicJson({ items: await lookup.search(q, maxAddresses) }, 3600);
}
