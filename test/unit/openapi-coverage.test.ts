import * as core from '@azure/functions-core';
import { describe, expect, it } from 'vitest';
import { describedRoutes } from '../../shared/http/openapi.js';

describe('the OpenAPI document', () => {
  it('describes every HTTP route the app serves, but Open311 (its own specification) and the catch-all', async () => {
    await import('../../functions/index.js');
    const served = core.registry.functions.flatMap(({ metadata }) => {
      const trigger = Object.values(metadata.bindings).find((b) => b.type === 'httpTrigger') as
        { route?: string; methods?: string[] } | undefined;
      if (!trigger?.route || trigger.route.startsWith('open311/') || trigger.route === '{*path}') return [];
      const path = `/${trigger.route.replace(/\{(\w+)(:\w+)?\}/g, '{$1}')}`;
      return (trigger.methods ?? []).map((m) => `${m.toUpperCase()} ${path}`);
    });
    const described = new Set(describedRoutes());
    expect(served.filter((r) => !described.has(r) && r !== 'GET /openapi.json')).toEqual([]);
    expect([...described].filter((r) => !served.includes(r))).toEqual([]);
  });
});
