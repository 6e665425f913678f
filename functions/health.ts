import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { checkHealth } from '../shared/health/check-health.js';
import { errorSummary, logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';

export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const report = await checkHealth({
    ...depsFor.health(),
    onProbeFailure: (dependency, error) => {
      logEvent(context, 'warn', 'health.probe-failed', { dependency, error: errorSummary(error) });
    },
  });
  return {
    status: report.status === 'healthy' ? 200 : 503,
    headers: { 'cache-control': 'no-store', ...(report.status === 'healthy' ? {} : { 'retry-after': '10' }) },
    jsonBody: report,
  };
}
