import { describe, expect, it } from 'vitest';
import { call } from '../support/api.js';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: {
          content: {
            'application/json': {
              schema: { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown };
            };
          };
        };
        parameters?: { name: string; in: string }[];
        responses: Record<string, unknown>;
      }
    >
  >;
}

describe('GET /api/openapi.json', () => {
  it('describes every route in OpenAPI 3.1 from the validating schemas', async () => {
    const response = await call('GET', 'openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/requests',
        '/requests/{id}',
        '/requests/nearby',
        '/me',
        '/me/requests',
        '/services',
        '/staff/requests',
        '/staff/requests/{id}',
      ]),
    );
    const create = doc.paths['/requests']?.post;
    const body = create?.requestBody?.content['application/json'].schema;
    expect(body?.required).toEqual(expect.arrayContaining(['serviceCode', 'description', 'location']));
    // Strict schemas: unknown fields are refused, and the document says so.
    expect(body?.additionalProperties).toBe(false);
    expect(create?.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(doc.paths['/staff/requests/{id}']?.patch?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '412', '422']),
    );
    expect(doc.paths['/requests/nearby']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['lat', 'long', 'radius']),
    );
  });
});
