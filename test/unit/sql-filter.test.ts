import { describe, expect, it } from 'vitest';
import { compileSqlFilter, type FilterableMessage } from '../../local/service-bus/sql-filter.js';

const message = (user: FilterableMessage['user'], system: FilterableMessage['system'] = {}): FilterableMessage => ({
  user,
  system,
});

describe('Service Bus SQL filters', () => {
  it('compares application properties, with AND/OR/NOT and parentheses', () => {
    const f = compileSqlFilter("(serviceGroup = 'roads' OR serviceGroup = 'lighting') AND NOT priority < 2");
    expect(f(message({ serviceGroup: 'roads', priority: 3 }))).toBe(true);
    expect(f(message({ serviceGroup: 'roads', priority: 1 }))).toBe(false);
    expect(f(message({ serviceGroup: 'waste', priority: 3 }))).toBe(false);
  });

  it('supports IN, LIKE and system properties', () => {
    expect(compileSqlFilter("sys.label LIKE 'request.%'")(message({}, { subject: 'request.submitted' }))).toBe(true);
    expect(compileSqlFilter("sys.Label LIKE 'request._'")(message({}, { subject: 'request.submitted' }))).toBe(false);
    expect(compileSqlFilter("kind NOT IN ('a', 'b')")(message({ kind: 'c' }))).toBe(true);
  });

  it('treats a missing property as unknown, never as a match', () => {
    expect(compileSqlFilter("serviceGroup <> 'roads'")(message({}))).toBe(false);
    expect(compileSqlFilter('serviceGroup IS NULL')(message({}))).toBe(true);
    expect(compileSqlFilter('EXISTS(serviceGroup)')(message({ serviceGroup: 'x' }))).toBe(true);
  });

  it('fails loudly on syntax it does not know', () => {
    expect(() => compileSqlFilter('serviceGroup ~ 1')).toThrow(/SQL filter/);
    expect(() => compileSqlFilter("a = 'x' extra")).toThrow(/SQL filter/);
  });
});
