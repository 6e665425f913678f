/**
 * The one place errors become HTTP: RFC 9457 `application/problem+json`, no
 * stack traces, nothing from the request echoed back. SDK failures that mean
 * "a dependency is down" become 503 with Retry-After; anything else is a 500
 * whose details go to the log under the invocation id, not to the caller.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { config } from '../config.js';
import { AppError, dependencyUnavailable } from '../errors.js';
import { errorSummary, logEvent } from '../observability/log.js';
import { withSecurityHeaders } from './response.js';
import { countSubjectUse, enforceAddressLimits } from './caller-limits.js';

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly { readonly pointer: string; readonly detail: string }[];
}

const problemTypeBase = 'https://doorstep.council.example/problems/';

export function problemResponse(error: AppError, instance?: string): HttpResponseInit {
  const body: ProblemDocument = {
    type: `${problemTypeBase}${error.code}`,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(error.extras.fieldErrors ? { errors: error.extras.fieldErrors } : {}),
  };
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    ...(error.extras.headers ?? {}),
  };
  if (error.extras.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.extras.retryAfterSeconds);
  return { status: error.status, headers, body: JSON.stringify(body) };
}

const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const transientNames = new Set([
  'TimeoutError',
  'AbortError',
  'ServiceUnavailableError',
  'ServiceCommunicationProblem',
  'ServiceBusy',
  'ServiceTimeout',
]);

/** Recognises the SDKs' ways of saying "could not reach the service" or "it is overloaded". */
export function isTransientDependencyError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; name?: unknown; statusCode?: unknown; retryable?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (transientCodes.has(e.code) || transientNames.has(e.code))) return true;
  if (typeof e.name === 'string' && transientNames.has(e.name)) return true;
  if (
    typeof e.statusCode === 'number' &&
    (e.statusCode === 408 || e.statusCode === 429 || e.statusCode === 503 || e.statusCode === 0)
  )
    return true;
  if (e.retryable === true && !(error instanceof AppError)) return true;
  return isTransientDependencyError(e.cause, depth + 1);
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isTransientDependencyError(error)) return dependencyUnavailable('A dependency', error);
  return new AppError(
    'internal',
    'The error has been logged. Try again, and contact the council if it keeps happening.',
    { cause: error },
  );
}

/** The request budget, from configuration (which may itself be what is broken). */
function requestBudgetMs(): number {
  try {
    return config().requestTimeoutMs;
  } catch {
    return 10_000;
  }
}

/**
 * Runs the handler within the request budget. The SDKs retry on their own (Cosmos DB
 * reads retry a reset connection ten times, a second apart), so a missing dependency
 * could hold a resident's request for many seconds; past the budget the answer is a
 * 503 and the work goes on unobserved. That is safe because every write is either
 * idempotent (a retry with the same Idempotency-Key returns the first result) or
 * guarded by If-Match.
 */
async function withinBudget(run: Promise<HttpResponseInit>, budgetMs: number): Promise<HttpResponseInit> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(dependencyUnavailable('A service Doorstep depends on'));
    }, budgetMs);
  });
  run.catch(() => undefined);
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps an HTTP handler so that every failure leaves as problem+json, within the request budget. */
export function withErrors(handler: HttpHandler): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext) =>
    withSecurityHeaders(await answer(request, context));

  async function answer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    try {
      enforceAddressLimits(request);
      const response = await withinBudget(Promise.resolve(handler(request, context)), requestBudgetMs());
      countSubjectUse(request, response.status ?? 200);
      return response;
    } catch (error) {
      const appError = toAppError(error);
      countSubjectUse(request, appError.status);
      const instance = `urn:doorstep:invocation:${context.invocationId}`;
      if (appError.status >= 500) {
        logEvent(context, 'error', 'request.failed', {
          code: appError.code,
          status: appError.status,
          route: context.functionName,
          error: {
            ...errorSummary(appError.extras.cause ?? error),
            stack:
              (appError.extras.cause ?? error) instanceof Error
                ? ((appError.extras.cause ?? error) as Error).stack
                : undefined,
          },
        });
      } else {
        logEvent(context, 'info', 'request.rejected', {
          code: appError.code,
          status: appError.status,
          route: context.functionName,
        });
      }
      return problemResponse(appError, instance);
    }
  }
}
