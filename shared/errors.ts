/**
 * The one error family. Use cases throw these; `shared/http/problem.ts` maps them
 * to RFC 9457 responses and Service Bus handlers decide between dead-letter
 * (permanent) and redelivery (retryable) from `retryable`.
 */

export type ErrorCode =
  | 'bad-request'
  | 'validation-failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'precondition-failed'
  | 'precondition-required'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'dependency-unavailable'
  | 'internal';

export interface FieldError {
  /** JSON Pointer-ish path of the offending field, e.g. `/location/lat`. */
  readonly pointer: string;
  readonly detail: string;
}

const catalogue: Record<ErrorCode, { status: number; title: string; retryable: boolean }> = {
  'bad-request': { status: 400, title: 'The request could not be read', retryable: false },
  'validation-failed': { status: 422, title: 'The request has invalid fields', retryable: false },
  unauthorized: { status: 401, title: 'Sign-in is required', retryable: false },
  forbidden: { status: 403, title: 'You do not have permission to do this', retryable: false },
  'not-found': { status: 404, title: 'Not found', retryable: false },
  'method-not-allowed': { status: 405, title: 'Method not allowed', retryable: false },
  conflict: { status: 409, title: 'Conflict with the current state', retryable: false },
  'precondition-failed': { status: 412, title: 'The resource has changed since you read it', retryable: false },
  'precondition-required': { status: 428, title: 'An If-Match header is required', retryable: false },
  'payload-too-large': { status: 413, title: 'The request body is too large', retryable: false },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type', retryable: false },
  'rate-limited': { status: 429, title: 'Too many requests', retryable: true },
  'dependency-unavailable': { status: 503, title: 'A service Doorstep depends on is unavailable', retryable: true },
  internal: { status: 500, title: 'Something went wrong', retryable: true },
};

export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extras: {
      readonly fieldErrors?: readonly FieldError[];
      readonly retryAfterSeconds?: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly cause?: unknown;
    } = {},
  ) {
    super(detail ?? catalogue[code].title, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.name = 'AppError';
    const entry = catalogue[code];
    this.status = entry.status;
    this.title = entry.title;
    this.retryable = entry.retryable;
  }
}

export const badRequest = (detail: string) => new AppError('bad-request', detail);
export const validationFailed = (
  fieldErrors: readonly FieldError[],
  detail = 'Check the highlighted fields and try again.',
) => new AppError('validation-failed', detail, { fieldErrors });
export const notFound = (what: string) => new AppError('not-found', `${what} was not found.`);
export const forbidden = (detail: string) => new AppError('forbidden', detail);
export const conflict = (detail: string) => new AppError('conflict', detail);
export const dependencyUnavailable = (dependency: string, cause?: unknown, retryAfterSeconds = 5) =>
  new AppError('dependency-unavailable', `${dependency} did not answer in time. Try again shortly.`, {
    retryAfterSeconds,
    cause,
  });
