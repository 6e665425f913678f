/**
 * A multipart/form-data POST read as a stream: the small fields that come
 * before the file (the CSRF token first) are read into memory, the file is
 * never. Its exact length follows from the request's Content-Length, because
 * the site's upload forms put the file last: that is what lets the file go on
 * to a create-only upload link as one Put Blob (which needs its length up
 * front) without the site holding it. See docs/decisions/0820-photos-streamed-through-the-site.md.
 */

/** Fields before the file, together; more means this is not one of the site's forms. */
const maxFieldBytes = 16 * 1024;
const maxHeaderBytes = 4 * 1024;

export class MalformedForm extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedForm';
  }
}

export interface StreamedFile {
  readonly field: string;
  /** As the browser named it (a name for people, never a path). */
  readonly fileName: string;
  readonly contentType: string;
  /** Exact, from the request's length: the file is the form's last part. */
  readonly size: number;
  /**
   * Exactly `size` bytes. The last byte is held back until the request has ended as a form
   * should, so a request that was cut short or was not shaped as promised errors the stream
   * before its receiver has the whole length (a Put Blob then never commits).
   */
  stream(): ReadableStream<Uint8Array>;
  /** Stops reading the request (the file is refused). */
  discard(): Promise<void>;
}

export interface StreamedForm {
  readonly fields: URLSearchParams;
  readonly file?: StreamedFile;
}

export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const indexOf = (haystack: Uint8Array, needle: Uint8Array, from = 0): number =>
  Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);

function partHeaders(text: string): { name?: string; fileName?: string; contentType: string } {
  let name: string | undefined;
  let fileName: string | undefined;
  let contentType = 'text/plain';
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1];
      fileName = /;\s*filename="([^"]*)"/i.exec(value)?.[1];
    } else if (key === 'content-type') contentType = value.toLowerCase();
  }
  // Browsers escape quotes in names as %22 (WHATWG multipart/form-data encoding).
  return {
    ...(name !== undefined ? { name: name.replace(/%22/g, '"') } : {}),
    ...(fileName !== undefined ? { fileName: fileName.replace(/%22/g, '"') } : {}),
    contentType,
  };
}

/**
 * Reads a multipart body up to the start of its file part (if any). `contentLength` is the
 * request's declared length; without one a file cannot be measured and the form is refused.
 */
export async function readStreamedForm(
  body: ReadableStream<Uint8Array> | null,
  contentType: string,
  contentLength: number | undefined,
): Promise<StreamedForm> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new MalformedForm('not multipart/form-data with a boundary');
  if (!body) return { fields: new URLSearchParams() };
  const reader = body.getReader();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buffer: Buffer = Buffer.alloc(0);
  /** Bytes taken off `buffer` so far (so, consumed from the request). */
  let consumed = 0;
  let ended = false;

  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return false;
    }
    buffer = buffer.length === 0 ? Buffer.from(value) : Buffer.concat([buffer, value]);
    return true;
  };
  const take = (n: number): Buffer => {
    const out = buffer.subarray(0, n);
    buffer = buffer.subarray(n);
    consumed += n;
    return out;
  };
  /** Reads until `needle` is in the buffer (within `limit` bytes); returns its index. */
  const until = async (needle: Uint8Array, limit: number): Promise<number> => {
    for (;;) {
      const at = indexOf(buffer, needle);
      if (at >= 0) return at;
      if (buffer.length > limit) throw new MalformedForm('a part is longer than the form allows');
      if (!(await more())) throw new MalformedForm('the form ended early');
    }
  };
  const fail = async (error: Error): Promise<never> => {
    await reader.cancel().catch(() => undefined);
    throw error;
  };

  try {
    // The first delimiter has no CRLF before it: pretend one.
    buffer = Buffer.from('\r\n');
    consumed = -2;
    take((await until(delimiter, maxFieldBytes)) + delimiter.length);
    const fields = new URLSearchParams();
    let fieldBytes = 0;
    for (;;) {
      while (buffer.length < 2) if (!(await more())) throw new MalformedForm('the form ended early');
      const after = take(2).toString('latin1');
      if (after === '--') return { fields };
      if (after !== '\r\n') throw new MalformedForm('a delimiter is not followed by a line break');
      const headerEnd = await until(Buffer.from('\r\n\r\n'), maxHeaderBytes);
      const headers = partHeaders(take(headerEnd + 4).toString('utf8'));
      if (headers.name === undefined) throw new MalformedForm('a part has no name');
      if (headers.fileName === undefined) {
        const end = await until(delimiter, maxFieldBytes - fieldBytes);
        fieldBytes += end;
        fields.append(headers.name, take(end).toString('utf8'));
        take(delimiter.length);
        continue;
      }
      // The file: everything left but the close delimiter and the line break browsers end with.
      const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
      const size = contentLength === undefined ? -1 : contentLength - consumed - closing.length;
      if (size < 0) throw new MalformedForm('the form’s length does not hold its file');
      return { fields, file: fileStream(headers.name, headers.fileName, headers.contentType, size, closing) };
    }
  } catch (error) {
    return fail(error instanceof Error ? error : new Error(String(error)));
  }

  function fileStream(field: string, fileName: string, type: string, size: number, closing: Buffer): StreamedFile {
    let sent = 0;
    return {
      field,
      fileName,
      contentType: type,
      size,
      discard: () => reader.cancel().catch(() => undefined),
      stream: () =>
        new ReadableStream<Uint8Array>({
          // Each pull hands over something or ends the stream: a pull that does neither is not repeated.
          async pull(controller) {
            for (;;) {
              // Everything but the file's last byte and what must follow it may go now.
              const n = Math.min(buffer.length - closing.length - 1, size - 1 - sent);
              if (n > 0) {
                controller.enqueue(new Uint8Array(take(n)));
                sent += n;
                return;
              }
              if (!(await more())) break;
            }
            // The request has ended: it must end with the rest of the file and the close delimiter, exactly.
            const rest = size - sent;
            if (buffer.length !== rest + closing.length || !buffer.subarray(rest).equals(closing)) {
              controller.error(new MalformedForm('the form did not end as its length said'));
              return;
            }
            if (rest > 0) controller.enqueue(new Uint8Array(take(rest)));
            sent = size;
            controller.close();
          },
          cancel: () => reader.cancel().catch(() => undefined),
        }),
    };
  }
}
