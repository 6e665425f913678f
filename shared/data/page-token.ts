/**
 * Pages of a Cosmos DB query for any slice: the items and an opaque continuation.
 * Continuation tokens are Cosmos' own JSON; clients get them base64url-encoded and
 * anything else sent back is refused as a bad request.
 */
import { badRequest } from '../errors.js';

export interface Page<T> {
  readonly items: T[];
  readonly continuation?: string;
}

export const encodeToken = (token: string | undefined) =>
  token ? Buffer.from(token).toString('base64url') : undefined;

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    throw badRequest('The continuation token is not one this API issued.');
  }
  return text;
}
