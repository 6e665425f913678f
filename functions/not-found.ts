import type { HttpResponseInit } from '@azure/functions';
import { notFound } from '../shared/errors.js';

/** The lowest-precedence route: anything unmatched gets a problem+json 404, in Azure as locally. */
export function unmatched(): Promise<HttpResponseInit> {
  return Promise.reject(notFound('Nothing at this address'));
}
