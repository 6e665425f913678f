import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../shared/http/openapi.js';
import { publicJson } from '../shared/http/response.js';

let document: Record<string, unknown> | undefined;

export function getOpenApi(request: HttpRequest): Promise<HttpResponseInit> {
  document ??= openApiDocument(new URL('/api', request.url).href);
  return Promise.resolve(publicJson(document, 300));
}
