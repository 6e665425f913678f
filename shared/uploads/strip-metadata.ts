/**
 * Removes what a photo says about where and with what it was taken: JPEG APP1
 * (Exif, XMP), APP13 (IPTC) and comment segments; PNG eXIf and text chunks. The
 * picture data is copied untouched. Anything it cannot parse is refused rather
 * than passed through with its metadata.
 */

export class UnreadableImageError extends Error {}

const jpegDropped = new Set([0xe1, 0xed, 0xfe]); // APP1, APP13, COM

export function stripJpeg(input: Uint8Array): Buffer {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (src[0] !== 0xff || src[1] !== 0xd8) throw new UnreadableImageError('not a JPEG');
  const parts: Buffer[] = [src.subarray(0, 2)];
  let at = 2;
  while (at < src.length) {
    if (src[at] !== 0xff) throw new UnreadableImageError('JPEG segment marker expected');
    const marker = src[at + 1] ?? 0;
    if (marker === 0xd9) {
      parts.push(src.subarray(at, at + 2));
      break;
    }
    if (marker >= 0xd0 && marker <= 0xd7) {
      parts.push(src.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (at + 4 > src.length) throw new UnreadableImageError('truncated JPEG');
    const length = src.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > src.length) throw new UnreadableImageError('bad JPEG segment length');
    if (marker === 0xda) {
      // Start of scan: the entropy-coded image runs to the end; keep the rest as it is.
      parts.push(src.subarray(at));
      break;
    }
    if (!jpegDropped.has(marker)) parts.push(src.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return Buffer.concat(parts);
}

const pngDropped = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

export function stripPng(input: Uint8Array): Buffer {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts: Buffer[] = [src.subarray(0, 8)];
  let at = 8;
  while (at < src.length) {
    if (at + 12 > src.length) throw new UnreadableImageError('truncated PNG chunk');
    const length = src.readUInt32BE(at);
    const type = src.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > src.length) throw new UnreadableImageError('bad PNG chunk length');
    if (!pngDropped.has(type)) parts.push(src.subarray(at, end));
    at = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(parts);
}
