import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

describe('the README', () => {
  it('when it lists the API, then every route row belongs to the one table under its header', () => {
    const section = readme.slice(
      readme.indexOf('\n## API\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## API\n') + 1),
    );
    const lines = section.split('\n');
    const first = lines.findIndex((l) => l.startsWith('|'));
    const rows = lines.slice(first);
    const end = rows.findIndex((l) => !l.startsWith('|'));
    const table = rows.slice(0, end);
    // A blank line ends a Markdown table: any row after it renders as raw pipes.
    expect(rows.slice(end).filter((l) => l.startsWith('|'))).toEqual([]);
    expect(table.some((l) => l.includes('`POST /api/uploads`'))).toBe(true);
  });

  it('when it names decisions, then each link leads to a decision record that exists', () => {
    const links = [...readme.matchAll(/\(docs\/decisions\/(\d{4}-[^)]+\.md)\)/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(10);
    for (const file of links)
      expect(readFileSync(join(import.meta.dirname, '../../docs/decisions', file), 'utf8')).toMatch(
        /## Context[\s\S]*## Decision[\s\S]*## Consequences/,
      );
  });

  it('when a decision record is added, then the README lists it', () => {
    const records = readdirSync(join(import.meta.dirname, '../../docs/decisions')).filter((f) =>
      /^\d{4}-.+\.md$/.test(f),
    );
    expect(records.length).toBeGreaterThan(10);
    for (const file of records) expect(readme, file).toContain(`(docs/decisions/${file})`);
  });
});
