/**
 * Removes what a photo says about where and with what it was taken, by keeping only
 * what draws the primary image. JPEG: the frame, tables and scans, the JFIF header,
 * the ICC colour profile and Adobe's colour-transform flag; every other segment goes
 * (Exif and XMP in APP1, MPF and FlashPix in APP2, IPTC in APP13, comments, vendor
 * APPn), and nothing after the primary image's end-of-image marker is kept, so the
 * further pictures a multi-picture file (CIPA DC-007 MPF: phones' depth maps, gain
 * maps, previews) appends after it are dropped with their own Exif. PNG: the critical
 * chunks and the colour ones, up to IEND; text, eXIf, time, animation and vendor
 * chunks go. The picture data is copied untouched. Anything it cannot parse is
 * refused rather than passed through with its metadata.
 */

export class UnreadableImageError extends Error {}

const startsWith = (segment: Buffer, id: string) =>
  segment.length >= 4 + id.length && segment.toString('latin1', 4, 4 + id.length) === id;

/** Segments kept (by marker), each with the identifier it must carry when it has one. */
function keepJpegSegment(marker: number, segment: Buffer): boolean {
  if (marker === 0xe0) return startsWith(segment, 'JFIF\0');
  if (marker === 0xe2) return startsWith(segment, 'ICC_PROFILE\0');
  if (marker === 0xee) return startsWith(segment, 'Adobe');
  // SOF0–SOF15 (but C4 DHT, C8 JPG, CC DAC are tables/reserved), DHT, DAC, DQT, DNL, DRI.
  return (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8) || (marker >= 0xdb && marker <= 0xdd);
}

/** Where the entropy-coded data starting at `from` ends: the next marker that is not a restart. */
function endOfScan(src: Buffer, from: number): number {
  let at = from;
  for (;;) {
    at = src.indexOf(0xff, at);
    if (at < 0 || at + 1 >= src.length) throw new UnreadableImageError('JPEG scan runs past the end of the file');
    const next = src[at + 1] ?? 0;
    // Stuffed 0xFF00 and restart markers belong to the scan; 0xFF fill bytes precede a marker.
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
      at += next === 0xff ? 1 : 2;
      continue;
    }
    return at;
  }
}

export function stripJpeg(input: Uint8Array): Buffer {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (src[0] !== 0xff || src[1] !== 0xd8) throw new UnreadableImageError('not a JPEG');
  const parts: Buffer[] = [src.subarray(0, 2)];
  let scans = 0;
  let at = 2;
  for (;;) {
    if (at >= src.length) throw new UnreadableImageError('JPEG without an end-of-image marker');
    if (src[at] !== 0xff) throw new UnreadableImageError('JPEG segment marker expected');
    const marker = src[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0xd9) {
      if (scans === 0) throw new UnreadableImageError('JPEG without image data');
      // The primary image ends here: whatever follows (MPF's further pictures, trailers) is dropped.
      parts.push(src.subarray(at, at + 2));
      return Buffer.concat(parts);
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(src.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (marker === 0xd8 || marker === 0x00 || (marker >= 0x02 && marker <= 0xbf))
      throw new UnreadableImageError('unexpected JPEG marker');
    if (at + 4 > src.length) throw new UnreadableImageError('truncated JPEG');
    const length = src.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > src.length) throw new UnreadableImageError('bad JPEG segment length');
    const segment = src.subarray(at, at + 2 + length);
    if (marker === 0xda) {
      const end = endOfScan(src, at + 2 + length);
      parts.push(src.subarray(at, end));
      scans++;
      at = end;
      continue;
    }
    if (keepJpegSegment(marker, segment)) parts.push(segment);
    at += 2 + length;
  }
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngKept = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'cICP',
  'sBIT',
  'bKGD',
  'pHYs',
]);

export function stripPng(input: Uint8Array): Buffer {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (src.length < 8 || !src.subarray(0, 8).equals(pngSignature)) throw new UnreadableImageError('not a PNG');
  const parts: Buffer[] = [src.subarray(0, 8)];
  let at = 8;
  for (;;) {
    if (at + 12 > src.length) throw new UnreadableImageError('truncated PNG chunk');
    const length = src.readUInt32BE(at);
    const type = src.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > src.length) throw new UnreadableImageError('bad PNG chunk length');
    if (at === 8 && type !== 'IHDR') throw new UnreadableImageError('PNG without a header chunk first');
    if (pngKept.has(type)) parts.push(src.subarray(at, end));
    at = end;
    // Nothing after the end of the image is kept.
    if (type === 'IEND') return Buffer.concat(parts);
  }
}
