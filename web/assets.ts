/**
 * Static assets: fingerprinted at build time (`scripts/build-web.ts`), so each
 * URL's bytes never change and browsers may keep them for a year.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { compressible, negotiate, type Encoding } from './http/compress.js';
import { publicDir } from './paths.js';

const suffix: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/manifest+json',
  '.map': 'application/json',
};

let manifest: Record<string, string> | undefined;

/** The fingerprinted URL of a built asset, e.g. `app.css` → `/assets/app-1a2b3c4d.css`. */
export function assetUrl(name: string): string {
  manifest ??= JSON.parse(readFileSync(join(publicDir, 'manifest.json'), 'utf8')) as Record<string, string>;
  const file = manifest[name];
  if (!file) throw new Error(`No built asset ${name}: run npm run build:web`);
  return `/assets/${file}`;
}

export async function serveAsset(request: HttpRequest): Promise<HttpResponseInit> {
  const path = request.params.path ?? '';
  const file = normalize(path);
  if (file.startsWith('..') || file.includes('\0') || !types[extname(file)] || file === 'manifest.json')
    return { status: 404, headers: { 'x-content-type-options': 'nosniff' } };
  const type = types[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  };
  try {
    const path = join(publicDir, 'assets', file);
    if (!compressible(type)) return { status: 200, headers, body: await readFile(path) };
    headers.vary = 'Accept-Encoding';
    // The build wrote a Brotli and a gzip copy beside each text asset; an asset without one goes as it is.
    const encoding = negotiate(request.headers.get('accept-encoding'));
    if (encoding) {
      const compressed = await readFile(`${path}${suffix[encoding]}`).catch(() => undefined);
      if (compressed) return { status: 200, headers: { ...headers, 'content-encoding': encoding }, body: compressed };
    }
    return { status: 200, headers, body: await readFile(path) };
  } catch {
    return { status: 404, headers: { 'x-content-type-options': 'nosniff' } };
  }
}
