import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../web/http/page.js';

describe('where sign-in sends the resident back to', () => {
  it('when the path is on this site, then it is kept', () => {
    expect(safeReturnPath('/report/questions?service=pothole')).toBe('/report/questions?service=pothole');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/%09/evil.example'.replace('%09', '\t'),
    '/\n/evil.example',
    'https://evil.example',
    '',
    null,
  ])('when it could lead off the site (%j), then My Account instead', (value) => {
    expect(safeReturnPath(value)).toBe('/my-account');
  });
});
