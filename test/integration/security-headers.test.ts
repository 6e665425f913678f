/**
 * #13 item 9, app side: every response (success, problem, redirect, Open311)
 * carries Strict-Transport-Security and X-Content-Type-Options: nosniff.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.js';

describe('security headers', () => {
  it('when any route answers, whatever the status, then it carries HSTS and nosniff', async () => {
    const cases: [string, string, Parameters<typeof call>[2]?][] = [
      ['GET', 'health'],
      ['GET', 'openapi.json'],
      ['GET', 'services'],
      ['GET', 'me'],
      ['GET', 'me', { as: 'header-checker' }],
      ['GET', 'requests/nearby?lat=51.46&long=-2.6'],
      ['GET', 'requests/nearby?lat=90&long=0&radius=10'],
      ['POST', 'requests', { as: 'header-checker', rawBody: '{', headers: { 'content-type': 'application/json' } }],
      ['GET', 'open311/v2/services.json'],
      ['GET', 'open311/v2/services.xml'],
      ['GET', 'no/such/route'],
      ['DELETE', 'services'],
    ];
    for (const [method, path, options] of cases) {
      const response = await call(method, path, options);
      await response.arrayBuffer();
      const where = `${method} ${path} → ${response.status}`;
      expect(response.headers.get('strict-transport-security'), where).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
    }
  });
});
