import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { addressSearchQuery, localGazetteer, maxAddresses } from '../shared/addresses/addresses.js';
import { parseQuery } from '../shared/http/request.js';
import { publicJson } from '../shared/http/response.js';

const lookup = localGazetteer();

/** Public, like the catalogue: addresses are not personal data, and a front end needs them before sign-in. */
export async function searchAddresses(request: HttpRequest): Promise<HttpResponseInit> {
  const { q } = parseQuery(request, addressSearchQuery);
  return publicJson({ items: await lookup.search(q, maxAddresses) }, 3600);
}
