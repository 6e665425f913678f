import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, apiTypesSource } from '../../scripts/web-api-types.js';

describe("the website's generated API types", () => {
  it('are what openapi-typescript makes of the API’s OpenAPI document today (run `npm run web:api-types` after changing the API)', async () => {
    expect(await readFile(apiTypesFile, 'utf8')).toBe(await apiTypesSource());
  });
});
