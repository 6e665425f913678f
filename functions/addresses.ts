import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { addressSearchQuery, localGazetteer, maxAddresses } from '../shared/addresses/addresses.js';
import { config } from '../shared/config.js';
import { AppError } from '../shared/errors.js';
import { parseQuery } from '../shared/http/request.js';
import { publicJson } from '../shared/http/response.js';

let gazetteer: ReturnType<typeof localGazetteer> | undefined;

/** Public, like the catalogue: addresses are not personal data, and a front end needs them before sign-in. */
export async function searchAddresses(request: HttpRequest): Promise<HttpResponseInit> {
  const { q } = parseQuery(request, addressSearchQuery);
  // No adapter for a real address service (OS Places) exists yet: say so rather than invent addresses.
  if (config().addressLookup !== 'local-gazetteer')
    throw new AppError('dependency-unavailable', 'No address service is configured.');
  gazetteer ??= localGazetteer();
  return publicJson({ items: await gazetteer.search(q, maxAddresses) }, 3600);
}
