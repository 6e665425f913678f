import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { addressSearchQuery, localGazetteer, maxAddresses, type AddressLookup } from '../shared/addresses/addresses.js';
import { osPlaces } from '../shared/addresses/os-places.js';
import { config } from '../shared/config.js';
import { AppError } from '../shared/errors.js';
import { parseQuery } from '../shared/http/request.js';
import { publicJson } from '../shared/http/response.js';

let lookup: AddressLookup | undefined;

/** The configured address service; none is configured → 503 rather than invented addresses. */
function addressLookup(): AddressLookup {
  if (lookup) return lookup;
  const c = config();
  if (c.addressLookup === 'local-gazetteer') lookup = localGazetteer();
  else if (c.addressLookup === 'os-places' && c.osPlaces.apiKey)
    lookup = osPlaces({ apiKey: c.osPlaces.apiKey, baseUrl: c.osPlaces.baseUrl, timeoutMs: c.dependencyTimeoutMs });
  else throw new AppError('dependency-unavailable', 'No address service is configured.');
  return lookup;
}

/** Public, like the catalogue: addresses are not personal data, and a front end needs them before sign-in. */
export async function searchAddresses(request: HttpRequest): Promise<HttpResponseInit> {
  const { q } = parseQuery(request, addressSearchQuery);
  return publicJson({ items: await addressLookup().search(q, maxAddresses) }, 3600);
}
