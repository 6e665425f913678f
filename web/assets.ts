/**
 * Static assets: fingerprinted at build time (`scripts/build-web.ts`), so each
 * URL's bytes never change and browsers may keep them for a year.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { publicDir } from './paths.js';

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
  try {
    const body = await readFile(join(publicDir, 'assets', file));
    return {
      status: 200,
      headers: {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
      body,
    };
  } catch {
    return { status: 404, headers: { 'x-content-type-options': 'nosniff' } };
  }
}
