/**
 * The type of an uploaded file, from its first bytes, never from its name or the type the browser
 * claims: png, jpeg, gif and webp are shown inline as images; everything else (an SVG with script,
 * an HTML page named cat.png) is served as a download of application/octet-stream.
 */

export interface Sniffed {
  type: string;
  /** Shown inline (an image the page displays); false means served as a download. */
  inline: boolean;
  width?: number;
  height?: number;
}

export const DOWNLOAD_TYPE = 'application/octet-stream';

/** Largest width or height accepted as an image's own claim (anything larger is not shown inline). */
const MAX_DIMENSION = 50_000;

export function sniffType(bytes: Uint8Array): Sniffed {
  const image = sniffImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (!image) return { type: DOWNLOAD_TYPE, inline: false };
  const { width, height } = image;
  const sized = width > 0 && height > 0 && width <= MAX_DIMENSION && height <= MAX_DIMENSION;
  return sized ? { type: image.type, inline: true, width, height } : { type: image.type, inline: true };
}

function sniffImage(b: Buffer): { type: string; width: number; height: number } | null {
  // PNG: signature, then the IHDR chunk with width and height (big-endian).
  if (b.length >= 24 && b.subarray(0, 8).equals(PNG_SIGNATURE) && b.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  // GIF: "GIF87a" or "GIF89a", then the logical screen size (little-endian).
  if (b.length >= 10 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) {
    return { type: 'image/gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  // WebP: a RIFF container of type WEBP; the size sits in the first chunk, per its kind.
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    return { type: 'image/webp', ...webpSize(b) };
  }
  // JPEG: SOI marker, then segments until a start-of-frame one, which holds the size.
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return { type: 'image/jpeg', ...jpegSize(b) };
  }
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function webpSize(b: Buffer): { width: number; height: number } {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  return { width: 0, height: 0 };
}

function jpegSize(b: Buffer): { width: number; height: number } {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) break;
    const marker = b[at + 1];
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    // Start-of-frame markers (baseline, progressive, ...), not DHT (c4), JPG (c8) or DAC (cc).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: b.readUInt16BE(at + 7), height: b.readUInt16BE(at + 5) };
    }
    if (length < 2) break;
    at += 2 + length;
  }
  return { width: 0, height: 0 };
}
