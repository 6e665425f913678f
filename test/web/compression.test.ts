/**
 * The site compresses what it sends (decision 0850): pages and the enhancement
 * JSON as they are sent, the built CSS and JS from the Brotli and gzip copies the
 * build wrote; by the request's Accept-Encoding, always with `Vary: Accept-Encoding`.
 * Read over raw HTTP: fetch would decode the body and hide what crossed the wire.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';

const site = inject('webUrl');

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, still encoded. */
  readonly body: Buffer;
}

function get(path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${site}${path}`,
      { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const decode = (raw: Raw): Buffer =>
  raw.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(raw.body)
    : raw.headers['content-encoding'] === 'gzip'
      ? gunzipSync(raw.body)
      : raw.body;
/** Each page carries a fresh CSP nonce: the same page twice differs only there. */
const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""');

describe('compressed responses', () => {
  it('when a browser takes Brotli, then a page comes as Brotli, under a third of its size, varying by Accept-Encoding, and reads as the uncompressed page', async () => {
    const plain = await get('/accessibility-statement');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const br = await get('/accessibility-statement', 'gzip, deflate, br, zstd');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['content-security-policy']).toBeDefined();
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(withoutNonce(decode(br).toString())).toBe(withoutNonce(plain.body.toString()));
  });

  it('when a browser takes only gzip, then gzip; when it takes neither, then the page as it is', async () => {
    const gz = await get('/privacy', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).toString()).toContain('Privacy notice</h1>');
    const identity = await get('/privacy', 'identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.toString()).toContain('Privacy notice');
  });

  it('when a page is not found, then its error page is compressed too', async () => {
    const missing = await get('/no-such-page', 'br');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-encoding']).toBe('br');
    expect(decode(missing).toString()).toContain('Page not found');
  });

  it('when a browser fetches the built CSS and JS, then they come from the build’s Brotli or gzip copy, byte for byte the asset, still cacheable for a year', async () => {
    const home = (await get('/')).body.toString();
    const assets = [...home.matchAll(/(?:href|src)="(\/assets\/app-[0-9a-f]+\.(?:css|js))"/g)].map((m) => m[1] ?? '');
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const plain = await get(asset);
      expect(plain.headers['content-encoding'], asset).toBeUndefined();
      expect(plain.headers.vary, asset).toBe('Accept-Encoding');
      for (const [accept, encoding] of [
        ['br, gzip', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const sent = await get(asset, accept);
        expect(sent.headers['content-encoding'], asset).toBe(encoding);
        expect(sent.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
        expect(sent.headers.vary, asset).toBe('Accept-Encoding');
        expect(decode(sent).equals(plain.body), asset).toBe(true);
        expect(sent.body.length, asset).toBeLessThan(plain.body.length / 3);
      }
    }
    // The copies are the build's, not reachable as assets of their own.
    expect((await get(`${assets[0] ?? ''}.br`)).status).toBe(404);
  });

  it('when the answer is a redirect, then there is nothing to compress', async () => {
    const redirect = await get('/my-account', 'br');
    expect(redirect.status).toBe(303);
    expect(redirect.headers['content-encoding']).toBeUndefined();
  });
});
