/**
 * Registration with lazily loaded handlers. The app's entry module registers
 * every function but imports none of their code: each handler module (with its
 * schemas and use cases) loads on its function's first invocation, so cold
 * start stays the cost of the Functions library plus this table however many
 * functions the app grows. `npm run bench:coldstart` measures it.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

type Loader<M> = () => Promise<M>;

/**
 * An HTTP handler that loads `module[exportName]` on first call, wrapped in the
 * error mapping (itself loaded then too, so the entry chunk imports nothing).
 */
export function lazyHttp<M extends Record<K, HttpHandler>, K extends keyof M>(
  load: Loader<M>,
  exportName: K,
): HttpHandler {
  let handler: Promise<HttpHandler> | undefined;
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    handler ??= Promise.all([load(), import('../shared/http/problem.js')]).then(([m, { withErrors }]) =>
      withErrors(m[exportName]),
    );
    return (await handler)(request, context);
  };
}

/** The same for non-HTTP triggers: failures propagate, so the trigger's retry applies. */
export function lazy<A extends unknown[], M extends Record<K, (...args: A) => Promise<void>>, K extends keyof M>(
  load: Loader<M>,
  exportName: K,
): (...args: A) => Promise<void> {
  let handler: Promise<(...args: A) => Promise<void>> | undefined;
  return async (...args: A) => {
    handler ??= load().then((m) => m[exportName]);
    await (
      await handler
    )(...args);
  };
}
