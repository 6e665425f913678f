/**
 * Doorstep's ids are `crypto.randomUUID()`s. A path or reference that is not one cannot
 * name anything, so it is answered without a read (and never reaches a query).
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: string): boolean => uuidPattern.test(value);
