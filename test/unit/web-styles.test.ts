/**
 * The website's stylesheet builds without Sass warnings: a warning today (such as a
 * GOV.UK Frontend colour that is deprecated) is a build error in the next major version.
 * Compiled as scripts/build-web.ts compiles it, with warnings collected instead of printed.
 */
import { join } from 'node:path';
import { compileAsync, NodePackageImporter } from 'sass';
import { describe, expect, it } from 'vitest';

const stylesheet = join(import.meta.dirname, '..', '..', 'web', 'styles', 'app.scss');

describe('the website stylesheet', () => {
  it('when it is compiled with GOV.UK Frontend from node_modules, then Sass warns of nothing in our styles', async () => {
    const warnings: string[] = [];
    await compileAsync(stylesheet, {
      importers: [new NodePackageImporter()],
      style: 'compressed',
      quietDeps: true,
      silenceDeprecations: ['import'],
      logger: { warn: (message) => warnings.push(message) },
    });
    expect(warnings).toEqual([]);
    // Dart Sass in JavaScript takes seconds of CPU for GOV.UK Frontend; on a loaded machine, far longer.
  }, 180_000);
});
