import type { HttpResponseInit } from '@azure/functions';
import { AppError } from '../shared/errors.js';

/** The lowest-precedence route: anything unmatched gets a problem+json 404, in Azure as locally. */
export function unmatched(): Promise<HttpResponseInit> {
  return Promise.reject(new AppError('not-found', 'Nothing was found at this address.'));
}
