/**
 * Small files with real signatures and metadata, built byte by byte, for upload tests;
 * and reading the ZIPs the app hands out.
 */
import { inflateRawSync } from 'node:zlib';

const segment = (marker: number, payload: Buffer) => {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xff00 | marker, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
};

/** A JPEG whose Exif segment records a position and a camera, and a comment. */
export function jpegWithExif(extraBytes = 0): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xe1, Buffer.from('Exif\0\0GPSLatitude=51.4545N;GPSLongitude=2.5879W;Model=PhoneCam 12', 'latin1')),
    segment(0xfe, Buffer.from('taken at 14 Acacia Avenue', 'latin1')),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.alloc(64 + extraBytes, 0x55),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const chunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
};

/** A PNG with a text chunk naming where it was taken. */
export function pngWithText(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.alloc(13, 1)),
    chunk('tEXt', Buffer.from('Location\x0014 Acacia Avenue', 'latin1')),
    chunk('IDAT', Buffer.alloc(32, 7)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const pdf = () =>
  Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** The EICAR anti-virus test string (harmless), inside a file that starts like a PDF. */
export const eicarPdf = () =>
  Buffer.concat([
    Buffer.from('%PDF-1.4\n', 'latin1'),
    Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1'),
  ]);

// --- A multi-picture JPEG (CIPA DC-007 "Multi-Picture Format"), built field by field ------

/** A big-endian TIFF IFD: entries `[tag, type, count, value or offset]`, then the next-IFD offset. */
const ifd = (entries: readonly (readonly [number, number, number, number | Buffer])[], next = 0) => {
  const out = Buffer.alloc(2 + entries.length * 12 + 4);
  out.writeUInt16BE(entries.length, 0);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + i * 12;
    out.writeUInt16BE(tag, at);
    out.writeUInt16BE(type, at + 2);
    out.writeUInt32BE(count, at + 4);
    if (typeof value === 'number') out.writeUInt32BE(value, at + 8);
    else value.copy(out, at + 8, 0, 4); // values of up to 4 bytes sit in the entry, left-justified
  });
  out.writeUInt32BE(next, 2 + entries.length * 12);
  return out;
};
const rationals = (...pairs: [number, number][]) => {
  const out = Buffer.alloc(pairs.length * 8);
  pairs.forEach(([n, d], i) => {
    out.writeUInt32BE(n, i * 8);
    out.writeUInt32BE(d, i * 8 + 4);
  });
  return out;
};
const [ASCII, LONG, RATIONAL, UNDEFINED] = [2, 4, 5, 7];
const tiffHeader = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]); // "MM", 42, first IFD at 8

export interface GpsPosition {
  readonly lat: [[number, number], [number, number], [number, number]];
  readonly lon: [[number, number], [number, number], [number, number]];
}

/**
 * APP1 Exif (Exif 2.32 / TIFF 6.0): IFD0 with Make and the GPS IFD pointer (0x8825);
 * the GPS IFD with GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude (tags 1–4).
 */
export function exifWithGps(gps: GpsPosition): { segment: Buffer; latitude: Buffer; longitude: Buffer } {
  const make = Buffer.from('PhoneCam\0', 'latin1');
  const ifd0Size = 2 + 2 * 12 + 4;
  const makeAt = 8 + ifd0Size;
  const gpsAt = makeAt + make.length;
  const gpsSize = 2 + 4 * 12 + 4;
  const latitude = rationals(...gps.lat);
  const longitude = rationals(...gps.lon);
  const latAt = gpsAt + gpsSize;
  const lonAt = latAt + latitude.length;
  const tiff = Buffer.concat([
    tiffHeader,
    ifd([
      [0x010f, ASCII, make.length, makeAt],
      [0x8825, LONG, 1, gpsAt],
    ]),
    make,
    ifd([
      [0x0001, ASCII, 2, Buffer.from('N\0\0\0', 'latin1')],
      [0x0002, RATIONAL, 3, latAt],
      [0x0003, ASCII, 2, Buffer.from('W\0\0\0', 'latin1')],
      [0x0004, RATIONAL, 3, lonAt],
    ]),
    latitude,
    longitude,
  ]);
  return { segment: segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])), latitude, longitude };
}

/** Baseline frame: quantisation table, SOF0 (8×8, one component), a Huffman table, one scan, EOI. */
const baselineImage = (scanData: Buffer) => [
  segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])),
  segment(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])),
  segment(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(16, 0), Buffer.alloc(0)])),
  segment(0xda, Buffer.from([1, 1, 0x00, 0, 0x3f, 0])),
  scanData,
  Buffer.from([0xff, 0xd9]),
];

/**
 * A phone's multi-picture JPEG: the primary image (Exif with GPS, then APP2 "MPF\0" whose
 * MP Index IFD has MPFVersion 0xB000 = "0100", NumberOfImages 0xB001 = 2 and MPEntry
 * 0xB002 = two 16-byte entries: attribute, size, offset from the MP header's endian
 * field, two dependent-image entry numbers), and after its EOI a second complete JPEG
 * with its own Exif GPS and its own APP2 MPF attribute IFD.
 */
export function multiPictureJpeg(): {
  bytes: Buffer;
  primaryWithoutMetadata: Buffer;
  gps: Buffer[];
} {
  const primaryExif = exifWithGps({
    lat: [
      [51, 1],
      [27, 1],
      [1636, 100],
    ],
    lon: [
      [2, 1],
      [35, 1],
      [1644, 100],
    ],
  });
  const secondExif = exifWithGps({
    lat: [
      [51, 1],
      [26, 1],
      [4321, 100],
    ],
    lon: [
      [2, 1],
      [36, 1],
      [1234, 100],
    ],
  });
  // Entropy-coded data with a stuffed 0xFF00 and a restart marker, as real scans have.
  const primaryScan = Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a, 0xbc]);
  const secondScan = Buffer.from([0x21, 0x43, 0xff, 0x00, 0x65, 0x87]);

  const mpIndex = (entries: Buffer) => {
    // MP header: "MPF\0", then the endian field (the origin of every MPF offset) and the IFD.
    const index = ifd([
      [0xb000, UNDEFINED, 4, Buffer.from('0100', 'latin1')],
      [0xb001, LONG, 1, 2],
      [0xb002, UNDEFINED, entries.length, 8 + 2 + 3 * 12 + 4],
    ]);
    return segment(0xe2, Buffer.concat([Buffer.from('MPF\0', 'latin1'), tiffHeader, index, entries]));
  };
  const mpEntry = (attribute: number, size: number, offset: number) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(attribute, 0);
    entry.writeUInt32BE(size, 4);
    entry.writeUInt32BE(offset, 8);
    return entry; // dependent image entry numbers 0, 0
  };
  const secondMpf = segment(
    0xe2,
    Buffer.concat([
      Buffer.from('MPF\0', 'latin1'),
      tiffHeader,
      ifd([[0xb000, UNDEFINED, 4, Buffer.from('0100', 'latin1')]]),
    ]),
  );
  const second = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    secondExif.segment,
    secondMpf,
    ...baselineImage(secondScan),
  ]);
  const jfif = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
  const body = baselineImage(primaryScan);
  const primaryOf = (entries: Buffer) =>
    Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, primaryExif.segment, mpIndex(entries), ...body]);
  // Sizes and offsets depend on the primary's own length: lay it out once, then fill them in.
  const draft = primaryOf(Buffer.alloc(32));
  const endianAt = 2 + jfif.length + primaryExif.segment.length + 4 + 4; // marker+length, "MPF\0"
  const entries = Buffer.concat([
    mpEntry(0x20030000, draft.length, 0), // representative, Baseline MP Primary Image
    mpEntry(0x00010001, second.length, draft.length - endianAt), // Large Thumbnail (VGA)
  ]);
  const primary = primaryOf(entries);
  return {
    bytes: Buffer.concat([primary, second]),
    primaryWithoutMetadata: Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, ...body]),
    gps: [primaryExif.latitude, primaryExif.longitude, secondExif.latitude, secondExif.longitude],
  };
}

/** A progressive JPEG: two scans with a Huffman table between them, restart markers inside. */
export function progressiveJpeg(): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 2)])),
    segment(0xc2, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])),
    segment(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(16, 0)])),
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 0, 0])),
    Buffer.from([0x01, 0xff, 0x00, 0x02, 0xff, 0xd1, 0x03]),
    segment(0xc4, Buffer.concat([Buffer.from([0x10]), Buffer.alloc(16, 0)])),
    segment(0xfe, Buffer.from('between scans', 'latin1')),
    segment(0xda, Buffer.from([1, 1, 0x00, 1, 0x3f, 0])),
    Buffer.from([0x04, 0x05, 0xff, 0x00]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A PNG with GPS in an eXIf chunk, XMP in iTXt, a vendor chunk, and bytes after IEND. */
export function pngWithExif(): { bytes: Buffer; gps: Buffer[] } {
  const exif = exifWithGps({
    lat: [
      [51, 1],
      [27, 1],
      [999, 100],
    ],
    lon: [
      [2, 1],
      [35, 1],
      [777, 100],
    ],
  });
  const tiff = exif.segment.subarray(4 + 6); // the eXIf chunk holds the TIFF data without "Exif\0\0"
  return {
    bytes: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', Buffer.alloc(13, 1)),
      chunk('eXIf', tiff),
      chunk('iTXt', Buffer.from('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>exif:GPSLatitude</x:xmpmeta>', 'latin1')),
      chunk('iDOT', Buffer.alloc(28, 3)),
      chunk('IDAT', Buffer.alloc(32, 7)),
      chunk('IEND', Buffer.alloc(0)),
      chunk('eXIf', tiff),
    ]),
    gps: [exif.latitude, exif.longitude],
  };
}

/** Reads a ZIP's entries through its central directory (what any unzip does). */
export function unzip(bytes: Buffer): Map<string, Buffer> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra;
  }
  return out;
}
