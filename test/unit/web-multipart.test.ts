/**
 * The site's streamed multipart reading (web/http/multipart.ts): fields before the file,
 * the file's exact length from the request's, and a file stream that never hands over its
 * last byte unless the request ended as a form should. Bodies are built by undici's own
 * FormData encoder (Node's fetch), which ends them as browsers do.
 */
import { describe, expect, it } from 'vitest';
import { MalformedForm, readStreamedForm } from '../../web/http/multipart.js';

async function encoded(file: Buffer, name = 'pothole.jpg', type = 'image/jpeg') {
  const form = new FormData();
  form.append('csrfToken', 'token-1');
  form.append('note', 'café');
  form.append('photo', new Blob([file], { type }), name);
  const request = new Request('http://site.invalid/', { method: 'POST', body: form });
  const body = Buffer.from(await request.arrayBuffer());
  return { body, contentType: request.headers.get('content-type') ?? '' };
}

/** A body delivered in small, uneven chunks, as a network would. */
function chunked(bytes: Buffer, size = 7): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
      at += size;
      size = (size * 3) % 97 || 5;
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('reading an upload form as a stream', () => {
  it('when a form carries fields then a file, then the fields are read and the file streams whole, with its exact size known first', async () => {
    const file = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const { body, contentType } = await encoded(file);
    const form = await readStreamedForm(chunked(body), contentType, body.length);
    expect(form.fields.get('csrfToken')).toBe('token-1');
    expect(form.fields.get('note')).toBe('café');
    expect(form.file).toMatchObject({ field: 'photo', fileName: 'pothole.jpg', contentType: 'image/jpeg', size: 5000 });
    expect(await drain(form.file?.stream() ?? new ReadableStream())).toEqual(file);
  });

  it('when the file is empty, then its size is 0 and its stream ends at once', async () => {
    const { body, contentType } = await encoded(Buffer.alloc(0), 'empty.jpg');
    const form = await readStreamedForm(chunked(body), contentType, body.length);
    expect(form.file?.size).toBe(0);
    expect(await drain(form.file?.stream() ?? new ReadableStream())).toEqual(Buffer.alloc(0));
  });

  it('when the request is cut short, then the file stream fails before it has handed over its last byte', async () => {
    const file = Buffer.alloc(3000, 7);
    const { body, contentType } = await encoded(file);
    const form = await readStreamedForm(chunked(body.subarray(0, body.length - 20)), contentType, body.length);
    const got: Buffer[] = [];
    await expect(async () => {
      for await (const chunk of form.file?.stream() ?? new ReadableStream()) got.push(Buffer.from(chunk));
    }).rejects.toBeInstanceOf(MalformedForm);
    expect(Buffer.concat(got).length).toBeLessThan(file.length);
  });

  it('when the declared length is larger than what came, then the file stream fails short of the declared size', async () => {
    const { body, contentType } = await encoded(Buffer.alloc(100, 1));
    const form = await readStreamedForm(chunked(body), contentType, body.length + 10);
    expect(form.file?.size).toBe(110);
    const got: Buffer[] = [];
    await expect(async () => {
      for await (const chunk of form.file?.stream() ?? new ReadableStream()) got.push(Buffer.from(chunk));
    }).rejects.toBeInstanceOf(MalformedForm);
    expect(Buffer.concat(got).length).toBeLessThan(110);
  });

  it('when the body is not multipart, or its fields run on without end, then it is refused as malformed', async () => {
    await expect(
      readStreamedForm(chunked(Buffer.from('a=b')), 'application/x-www-form-urlencoded', 3),
    ).rejects.toBeInstanceOf(MalformedForm);
    const endless = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n'),
      Buffer.alloc(40_000, 97),
    ]);
    await expect(
      readStreamedForm(chunked(endless, 1000), 'multipart/form-data; boundary=b', endless.length),
    ).rejects.toBeInstanceOf(MalformedForm);
  });
});
