/**
 * Small files with real signatures and metadata, built byte by byte, for upload tests.
 */
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
