/**
 * The esbuild settings both function apps (the API and the website) are bundled with.
 */
import type { BuildOptions } from 'esbuild';

// Some bundled CommonJS (the Functions library, the Azure SDKs) calls require();
// ESM output needs one, and `@azure/functions-core` must come from the worker.
const banner =
  "import { createRequire as __doorstepCreateRequire } from 'node:module'; const require = __doorstepCreateRequire(import.meta.url);";

export function functionAppBundle(entry: string, outdir: string, external: readonly string[] = []): BuildOptions {
  return {
    entryPoints: { main: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Prefer packages' ESM builds: named exports survive dynamic import() (the
    // CommonJS build of @azure/service-bus loses them), and tree-shaking works.
    mainFields: ['module', 'main'],
    external: ['@azure/functions-core', ...external],
    banner: { js: banner },
    minify: !process.env.DOORSTEP_BUILD_NO_MINIFY,
    // The SDKs translate errors and log by constructor and function names.
    keepNames: true,
    sourcemap: 'linked',
  };
}
