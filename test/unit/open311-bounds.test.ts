import type { Container } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import type { StoredService } from '../../shared/catalogue/catalogue.js';
import { toXml } from '../../shared/open311/format.js';
import { formAttributes, listRequests, listUpdates, type Open311Deps } from '../../shared/open311/open311.js';
import { cosmosOpen311Queries, type Open311Queries, type RequestWindow } from '../../shared/open311/queries.js';
import { parseXml } from '../support/fixmystreet.js';

/** A container whose query iterator has endless full pages, counting what was asked of it. */
function endlessContainer() {
  const asked = { pages: 0, queries: [] as string[], maxItemCount: 0 };
  const container = {
    items: {
      query: (spec: { query: string }, options: { maxItemCount: number }) => {
        asked.queries.push(spec.query);
        asked.maxItemCount = options.maxItemCount;
        return {
          hasMoreResults: () => true,
          fetchNext: () => {
            asked.pages++;
            return Promise.resolve({ resources: Array.from({ length: options.maxItemCount }, () => ({})) });
          },
        };
      },
    },
  } as unknown as Container;
  return { container, asked };
}

describe('Open311 reads are bounded by construction (#13 item 3)', () => {
  it('when a window holds endless requests, then one indexed query reads at most the limit, newest first', async () => {
    const { container, asked } = endlessContainer();
    const found = await cosmosOpen311Queries(container).changed(
      { from: '2000-01-01T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' },
      200,
      Date.now() + 60_000,
    );
    expect(found).toHaveLength(200);
    expect(asked.pages).toBe(1);
    expect(asked.queries).toHaveLength(1);
    expect(asked.queries[0]).toMatch(/c\.updatedAt >= @from .* ORDER BY c\.updatedAt DESC$/);
  });

  it('when the request budget is spent, then no further page is read', async () => {
    const { container, asked } = endlessContainer();
    await expect(
      cosmosOpen311Queries(container).created(
        { from: '2026-01-01T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' },
        1000,
        Date.now() - 1,
      ),
    ).rejects.toMatchObject({ status: 503 });
    expect(asked.pages).toBe(0);
  });

  const services = [
    { code: 'pothole', public: true },
    { code: 'missed-bin', public: false },
  ] as StoredService[];

  function deps(calls: { kind: string; window: RequestWindow; max: number }[]): Open311Deps {
    const queries: Open311Queries = {
      created: (window, max) => {
        calls.push({ kind: 'created', window, max });
        return Promise.resolve([]);
      },
      changed: (window, max) => {
        calls.push({ kind: 'changed', window, max });
        return Promise.resolve([]);
      },
    };
    return {
      open311Queries: queries,
      catalogue: { list: () => Promise.resolve(services) },
      now: () => new Date('2026-11-23T12:00:00.000Z'),
    } as unknown as Open311Deps;
  }

  it('when an anonymous caller asks for updates since 2000, then one query for at most 200 requests changed since then, non-public services left out', async () => {
    const calls: { kind: string; window: RequestWindow; max: number }[] = [];
    await listUpdates(
      new URLSearchParams({ start_date: '2000-01-01T00:00:00Z' }),
      { kind: 'public' },
      Date.now() + 1000,
      deps(calls),
    );
    expect(calls).toEqual([
      {
        kind: 'changed',
        window: {
          from: '2000-01-01T00:00:00.000Z',
          to: '2026-11-23T12:00:00.000Z',
          excludeServiceCodes: ['missed-bin'],
        },
        max: 200,
      },
    ]);
  });

  it('when an anonymous caller lists requests, then one query for at most 200 (GeoReport’s 1,000 is for keyed clients)', async () => {
    const calls: { kind: string; window: RequestWindow; max: number }[] = [];
    await listRequests(new URLSearchParams(), { kind: 'public' }, Date.now() + 1000, deps(calls));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'created', max: 200, window: { excludeServiceCodes: ['missed-bin'] } });
  });
});

describe('Open311 wire details', () => {
  it('when a text holds every character XML forbids, then the document is still well-formed', () => {
    const every = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)).join('') + '\ud800\ufffe\uffff&<>"\'';
    const xml = toXml('service_requests', 'request', [{ description: every }]);
    const parsed = parseXml(xml);
    expect(parsed.children[0]?.children[0]?.text).toBe(
      `${'\ufffd'.repeat(9)}\t\n\ufffd\ufffd\r${'\ufffd'.repeat(18)}\ufffd\ufffd\ufffd&<>"'`,
    );
  });

  it('when a form repeats an attribute or uses object keys, then values are kept and prototypes untouched', () => {
    const form = new URLSearchParams([
      ['attribute[what]', 'furniture'],
      ['attribute[what]', 'tyres'],
      ['attribute[amount]', 'car_boot'],
      ['attribute[tags][]', 'one'],
      ['attribute[__proto__][]', 'x'],
      ['attribute[uprn]', '100010101011'],
    ]);
    const { values, bad } = formAttributes(form);
    expect(values).toEqual({ what: ['furniture', 'tyres'], amount: 'car_boot', tags: ['one'] });
    expect(bad).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });
});
