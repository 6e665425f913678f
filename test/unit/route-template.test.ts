import { describe, expect, it } from 'vitest';
import { compareRoutes, compileRoute } from '../../local/host/route-template.js';

describe('Functions route templates', () => {
  it('matches literals and parameters, decoding values', () => {
    expect(compileRoute('requests/{id}').match('/requests/abc%20def')).toEqual({ id: 'abc def' });
    expect(compileRoute('requests/{id}').match('/requests')).toBeUndefined();
    expect(compileRoute('requests/{id}').match('/requests/a/b')).toBeUndefined();
  });

  it('applies constraints and optional parameters', () => {
    const r = compileRoute('items/{n:int}/{flag?}');
    expect(r.match('/items/42')).toEqual({ n: '42' });
    expect(r.match('/items/42/yes')).toEqual({ n: '42', flag: 'yes' });
    expect(r.match('/items/forty-two')).toBeUndefined();
  });

  it('splits a segment with a literal suffix, as Open311 paths need', () => {
    expect(compileRoute('open311/v2/requests/{id}.{format}').match('/open311/v2/requests/ab-12.json')).toEqual({
      id: 'ab-12',
      format: 'json',
    });
  });

  it('captures the rest of the path with a catch-all', () => {
    expect(compileRoute('{*path}').match('/a/b/c')).toEqual({ path: 'a/b/c' });
  });

  it('orders literal segments before parameters and catch-alls', () => {
    const routes = ['{*path}', 'requests/{id}', 'requests/nearby'].map(compileRoute).sort(compareRoutes);
    expect(routes.map((r) => r.template)).toEqual(['requests/nearby', 'requests/{id}', '{*path}']);
  });

  it('keeps a malformed percent escape as it is, as ASP.NET Core routing does, instead of failing', () => {
    expect(compileRoute('requests/{id}').match('/requests/%ZZ%41')).toEqual({ id: '%ZZA' });
    expect(compileRoute('{*path}').match('/a/%E0%A4%A')).toEqual({ path: 'a/%E0%A4%A' });
  });
});
