import { describe, expect, it } from 'vitest';
import { sniffType } from '../../shared/uploads/file-signature.js';
import { stripJpeg, stripPng, UnreadableImageError } from '../../shared/uploads/strip-metadata.js';
import { jpegWithExif, pdf, pngWithText } from '../support/files.js';

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

  it('removes text chunks from a PNG', () => {
    const stripped = stripPng(pngWithText());
    expect(stripped.includes(Buffer.from('Acacia'))).toBe(false);
    expect(stripped.includes(Buffer.from('IDAT'))).toBe(true);
    expect(sniffType(stripped)).toBe('image/png');
  });

  it('refuses a truncated image rather than passing its metadata through', () => {
    expect(() => stripJpeg(jpegWithExif().subarray(0, 30))).toThrow(UnreadableImageError);
    expect(() => stripPng(pngWithText().subarray(0, 20))).toThrow(UnreadableImageError);
  });

  it('tells file types by their content', () => {
    expect(sniffType(pdf())).toBe('application/pdf');
    expect(sniffType(Buffer.from('GIF89a'))).toBeUndefined();
  });
});
