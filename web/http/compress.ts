/**
 * Response compression, chosen by the request's Accept-Encoding: Brotli where the
 * browser takes it, else gzip, else none. Only text is compressed (HTML, CSS, JS,
 * JSON, SVG); images and fonts are compressed formats already, and squeezing them
 * again costs CPU for nothing. Every compressible response says `Vary: Accept-Encoding`,
 * compressed or not, so a shared cache never hands Brotli to a browser that asked
 * for none. See docs/decisions/0850-website-compresses-its-own-responses.md.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const compressibleTypes = [
  'text/html',
  'text/css',
  'text/javascript',
  'application/javascript',
  'application/json',
  'application/manifest+json',
  'application/problem+json',
  'image/svg+xml',
];

/** Below this the headers outweigh the saving (a 303's empty body, a short JSON answer). */
export const minCompressBytes = 1024;

export function compressible(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return compressibleTypes.includes(type);
}

/** The encoding to answer in: the best the request accepts with a non-zero weight (RFC 9110 §12.5.3). */
export function negotiate(acceptEncoding: string | null | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (name) weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding: Encoding) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return undefined;
}

/**
 * Pages are compressed as they are sent, so the levels trade a little size for
 * time: Brotli 5 and gzip 6 take about a millisecond for a page here, where Brotli 11
 * takes tens. Built assets are compressed once, at the highest level, by the build.
 */
export function compress(body: Uint8Array, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      })
    : gzipSync(body, { level: 6 });
}

/** The most compact form of a built asset: compressed once, at build time. */
export function compressForBuild(body: Uint8Array, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } })
    : gzipSync(body, { level: 9 });
}

/**
 * A dynamic response's body and headers as sent: compressed when its type is text, it
 * is big enough and the request accepts an encoding; `Vary` whenever the type could be.
 */
export function compressResponse(
  acceptEncoding: string | null | undefined,
  headers: Record<string, string>,
  body: string | Uint8Array,
): { headers: Record<string, string>; body: string | Uint8Array } {
  if (!compressible(headers['content-type'])) return { headers, body };
  const varied = { ...headers, vary: 'Accept-Encoding' };
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const encoding = negotiate(acceptEncoding);
  if (!encoding || bytes.byteLength < minCompressBytes) return { headers: varied, body };
  return { headers: { ...varied, 'content-encoding': encoding }, body: compress(bytes, encoding) };
}
