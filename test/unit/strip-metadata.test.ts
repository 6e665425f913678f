import { describe, expect, it } from 'vitest';
import { sniffType } from '../../shared/uploads/file-signature.js';
import { stripJpeg, stripPng, UnreadableImageError } from '../../shared/uploads/strip-metadata.js';
import { jpegWithExif, multiPictureJpeg, pdf, pngWithExif, pngWithText, progressiveJpeg } from '../support/files.js';

const count = (haystack: Buffer, needle: Buffer) => {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
};

describe('photo metadata stripping', () => {
  it('removes Exif and comments from a JPEG and keeps the image data', () => {
    const original = jpegWithExif();
    const stripped = stripJpeg(original);
    expect(stripped.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(stripped.includes(Buffer.from('Acacia'))).toBe(false);
    expect(stripped.includes(Buffer.from('JFIF'))).toBe(true);
    expect(stripped.subarray(-66)).toEqual(original.subarray(-66));
    expect(sniffType(stripped)).toBe('image/jpeg');
  });

  it('when a phone’s multi-picture JPEG carries a second picture with its own GPS after the primary image, then only the primary image survives, without Exif or MPF', () => {
    const { bytes, primaryWithoutMetadata, gps } = multiPictureJpeg();
    // The fixture really is what it claims: GPS rationals, both Exif blocks, MPF, two SOIs.
    for (const position of gps) expect(bytes.includes(position)).toBe(true);
    expect(count(bytes, Buffer.from('MPF\0', 'latin1'))).toBe(2);
    expect(count(bytes, Buffer.from([0xff, 0xd8, 0xff]))).toBe(2);

    const stripped = stripJpeg(bytes);
    expect(stripped).toEqual(primaryWithoutMetadata);
    for (const position of gps) expect(stripped.includes(position)).toBe(false);
    expect(stripped.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(stripped.includes(Buffer.from('MPF\0', 'latin1'))).toBe(false);
    expect(stripped.includes(Buffer.from('PhoneCam', 'latin1'))).toBe(false);
    expect(count(stripped, Buffer.from([0xff, 0xd8]))).toBe(1);
    expect(stripped.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it('keeps every scan of a progressive JPEG, with restart markers and stuffed bytes, and drops a comment between scans', () => {
    const original = progressiveJpeg();
    const stripped = stripJpeg(original);
    expect(stripped.includes(Buffer.from('between scans'))).toBe(false);
    expect(count(stripped, Buffer.from([0xff, 0xda]))).toBe(2);
    expect(stripped.includes(Buffer.from([0x02, 0xff, 0xd1, 0x03]))).toBe(true);
    expect(stripped.length).toBe(original.length - (4 + 'between scans'.length));
  });

  it('removes text chunks from a PNG', () => {
    const stripped = stripPng(pngWithText());
    expect(stripped.includes(Buffer.from('Acacia'))).toBe(false);
    expect(stripped.includes(Buffer.from('IDAT'))).toBe(true);
    expect(sniffType(stripped)).toBe('image/png');
  });

  it('when a PNG carries GPS in eXIf, XMP in iTXt, vendor chunks and bytes after IEND, then none of them survive', () => {
    const { bytes, gps } = pngWithExif();
    for (const position of gps) expect(bytes.includes(position)).toBe(true);
    const stripped = stripPng(bytes);
    for (const position of gps) expect(stripped.includes(position)).toBe(false);
    for (const type of ['eXIf', 'iTXt', 'iDOT', 'GPSLatitude'])
      expect(stripped.includes(Buffer.from(type, 'latin1')), type).toBe(false);
    expect(stripped.subarray(-12, -4).toString('latin1')).toBe('\0\0\0\0IEND');
  });

  it('refuses a truncated image rather than passing its metadata through', () => {
    expect(() => stripJpeg(jpegWithExif().subarray(0, 30))).toThrow(UnreadableImageError);
    expect(() => stripPng(pngWithText().subarray(0, 20))).toThrow(UnreadableImageError);
  });

  it('refuses a JPEG whose scan never reaches an end-of-image marker', () => {
    const original = jpegWithExif();
    expect(() => stripJpeg(original.subarray(0, original.length - 2))).toThrow(UnreadableImageError);
  });

  it('tells file types by their content', () => {
    expect(sniffType(pdf())).toBe('application/pdf');
    expect(sniffType(Buffer.from('GIF89a'))).toBeUndefined();
  });
});
