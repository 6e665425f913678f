import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { checkHealth } from '../shared/health/check-health.js';
import { withErrors } from '../shared/http/problem.js';
import { platform } from '../shared/platform/clients.js';
import { platformProbes } from '../shared/platform/probes.js';

export async function health(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const p = platform();
  const report = await checkHealth({ probes: platformProbes(p), timeoutMs: p.config.dependencyTimeoutMs });
  return {
    status: report.status === 'healthy' ? 200 : 503,
    headers: { 'cache-control': 'no-store', ...(report.status === 'healthy' ? {} : { 'retry-after': '10' }) },
    jsonBody: report,
  };
}

app.http('health', { methods: ['GET'], route: 'health', authLevel: 'anonymous', handler: withErrors(health) });
