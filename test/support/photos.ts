/**
 * A photo a resident uploaded, as the resident site does it, once its checks have passed:
 * for tests that need a report with a photo, and a browser that draws it.
 */
import { crc32, deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { waitFor } from './wait.js';

/** A 2×2 PNG, so a browser has something to draw (the copy the council keeps is stripped, still a picture). */
export function aPicture(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framing = Buffer.alloc(8);
    framing.writeUInt32BE(data.length, 0);
    framing.writeUInt32BE(crc32(typed), 4);
    return Buffer.concat([framing.subarray(0, 4), typed, framing.subarray(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0); // width
  header.writeUInt32BE(2, 4); // height
  header.set([8, 2], 8); // 8 bits per channel, RGB
  // Each row: filter type 0, then two RGB pixels.
  const rows = Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 240, 240, 240]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface PhotoFile {
  readonly bytes: Buffer;
  readonly fileName: string;
  readonly contentType: string;
}

/** Uploads `file` as the token's owner through the API at `apiBase`, and waits until its checks pass. */
export async function aCheckedPhoto(
  apiBase: string,
  token: string,
  file: PhotoFile = { bytes: aPicture(), fileName: 'pothole.png', contentType: 'image/png' },
): Promise<string> {
  const issued = await fetch(`${apiBase}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      purpose: 'photo',
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.bytes.length,
    }),
  });
  expect(issued.status).toBe(201);
  const { document, upload } = (await issued.json()) as {
    document: { id: string };
    upload: { url: string; headers: Record<string, string> };
  };
  expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file.bytes })).status).toBe(201);
  await waitFor(
    async () => {
      const read = await fetch(`${apiBase}/api/documents/${document.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await read.json()) as { status: string }).status === 'available';
    },
    { what: 'the photo to be checked' },
  );
  return document.id;
}
