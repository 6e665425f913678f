import { describe, expect, it } from 'vitest';
import { unmatched } from '../../functions/not-found.js';
import { problemResponse, toAppError } from '../../shared/http/problem.js';

describe('the unmatched route', () => {
  it('when nothing answers a path, then a 404 problem whose detail reads as a sentence', async () => {
    const response = problemResponse(await unmatched().then(() => toAppError(undefined), toAppError));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body as string)).toMatchObject({ detail: 'Nothing was found at this address.' });
  });
});
