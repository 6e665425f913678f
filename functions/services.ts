import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { getService, listServices, putService } from '../shared/catalogue/catalogue.js';
import { serviceDefinitionSchema } from '../shared/catalogue/service-definition.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { parseJson } from '../shared/http/request.js';
import { json, publicJson } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';

const view = <T extends { etag: string }>({ etag: _etag, ...service }: T) => service;

export async function getServices(request: HttpRequest): Promise<HttpResponseInit> {
  const includeInactive = request.query.get('includeInactive') === 'true';
  const services = await listServices({ includeInactive }, await depsFor.catalogue());
  return publicJson({ items: services.map(view) }, 60);
}

export async function getOneService(request: HttpRequest): Promise<HttpResponseInit> {
  const service = await getService(request.params.code ?? '', await depsFor.catalogue());
  return publicJson(view(service), 60, { etag: `"${service.etag.replace(/"/g, '')}"` });
}

export async function putOneService(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // Authorisation before validation: a resident learns nothing about the schema.
  requireRole(principal, 'admin');
  const service = await parseJson(request, serviceDefinitionSchema, 64 * 1024);
  const saved = await putService(request.params.code ?? '', service, principal, await depsFor.catalogue());
  return json(200, view(saved), { etag: `"${saved.etag.replace(/"/g, '')}"` });
}
