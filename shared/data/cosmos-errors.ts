/**
 * The Cosmos SDK reports an HTTP status as the error's numeric `code`
 * (404 not found, 409 conflict, 412 precondition failed).
 */
export const cosmosStatus = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

export const isCosmosStatus = (error: unknown, status: 404 | 409 | 412): boolean => cosmosStatus(error) === status;
