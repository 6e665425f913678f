import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressResponse, minCompressBytes, negotiate } from '../../web/http/compress.js';

const page = `<!DOCTYPE html><html lang="en"><body>${'<p class="govuk-body">Report a problem</p>'.repeat(100)}</body></html>`;
const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

describe('choosing a response encoding from Accept-Encoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=1.0, gzip;q=0.8', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0.1', 'gzip'],
    ['*', 'br'],
    ['identity', undefined],
    ['br;q=0, gzip;q=0', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('when the browser sends %j, then %s', (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});

describe('compressing a page as it is sent', () => {
  it('when the browser takes Brotli, then the page goes as Brotli, varies by Accept-Encoding and decodes to itself', () => {
    const sent = compressResponse('gzip, deflate, br', html, page);
    expect(sent.headers).toMatchObject({
      'content-encoding': 'br',
      vary: 'Accept-Encoding',
      'cache-control': 'no-store',
    });
    expect(brotliDecompressSync(sent.body as Uint8Array).toString()).toBe(page);
    expect((sent.body as Uint8Array).byteLength).toBeLessThan(Buffer.byteLength(page) / 10);
  });

  it('when the browser takes only gzip, then gzip', () => {
    const sent = compressResponse('gzip', html, page);
    expect(sent.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(sent.body as Uint8Array).toString()).toBe(page);
  });

  it('when the browser takes no encoding, then the page as it is, still varying by Accept-Encoding', () => {
    const sent = compressResponse(null, html, page);
    expect(sent.body).toBe(page);
    expect(sent.headers['content-encoding']).toBeUndefined();
    expect(sent.headers.vary).toBe('Accept-Encoding');
  });

  it('when the body is tiny, then it goes as it is', () => {
    const small = '{"ok":true}';
    expect(small.length).toBeLessThan(minCompressBytes);
    const sent = compressResponse('br', { 'content-type': 'application/json' }, small);
    expect(sent.body).toBe(small);
    expect(sent.headers['content-encoding']).toBeUndefined();
  });

  it.each(['image/png', 'image/jpeg', 'font/woff2', 'image/x-icon', 'application/pdf'])(
    'when the body is already a compressed format (%s), then it is never compressed again and does not vary',
    (type) => {
      const bytes = Buffer.alloc(64 * 1024, 1);
      const sent = compressResponse('br, gzip', { 'content-type': type }, bytes);
      expect(sent.body).toBe(bytes);
      expect(sent.headers).toEqual({ 'content-type': type });
    },
  );
});
