/** File types from their first bytes, with image sizes, whatever the name says. */
import { describe, expect, it } from 'vitest';
import { contentDisposition, safeFileName } from '../src/uploads/file-names.js';
import { sniffType } from '../src/uploads/sniff.js';
import { pngImage } from './image-fixture.js';

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('sniffType', () => {
  it('recognises png, gif, webp and jpeg, with their pixel size', () => {
    expect(sniffType(pngImage(640, 480))).toEqual({ type: 'image/png', inline: true, width: 640, height: 480 });
    expect(sniffType(bytes('GIF89a', [0x20, 0x01, 0x10, 0x00], Array(20).fill(0)))).toEqual({
      type: 'image/gif',
      inline: true,
      width: 288,
      height: 16,
    });
    // WebP, extended format: 24-bit width-1 and height-1.
    const vp8x = bytes(
      'RIFF',
      [0, 0, 0, 0],
      'WEBP',
      'VP8X',
      [10, 0, 0, 0],
      [0, 0, 0, 0],
      [0x7f, 0x02, 0x00],
      [0xdf, 0x01, 0x00],
    );
    expect(sniffType(vp8x)).toEqual({ type: 'image/webp', inline: true, width: 640, height: 480 });
    // JPEG: SOI, an APP0 segment, then a baseline start-of-frame with height 300 and width 400.
    const jpeg = bytes(
      [0xff, 0xd8],
      [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00],
      [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x01, 0x90],
      Array(12).fill(0),
    );
    expect(sniffType(jpeg)).toEqual({ type: 'image/jpeg', inline: true, width: 400, height: 300 });
  });

  it('makes everything else a download, including SVG and HTML named as images', () => {
    for (const content of [
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '<!doctype html><script>1</script>',
      '%PDF-1.7',
      '',
      'GIF8',
    ]) {
      expect(sniffType(Buffer.from(content))).toEqual({ type: 'application/octet-stream', inline: false });
    }
  });

  it('does not trust absurd image sizes', () => {
    const huge = pngImage(1, 1);
    huge.writeUInt32BE(900_000, 16);
    expect(sniffType(huge)).toEqual({ type: 'image/png', inline: true });
  });
});

describe('file names', () => {
  it('keeps the last path segment without control or direction characters', () => {
    expect(safeFileName('C:\\Users\\ada\\photo.jpg')).toBe('photo.jpg');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('inv\u202eoice\u0000.pdf')).toBe('invoice.pdf');
    expect(safeFileName('...hidden')).toBe('hidden');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName(42)).toBe('file');
    expect([...safeFileName('é'.repeat(500))]).toHaveLength(120);
  });

  it('writes Content-Disposition in its two safe forms', () => {
    expect(contentDisposition('inline', 'résumé "final".png')).toBe(
      `inline; filename="r_sum_ _final_.png"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.png`,
    );
    expect(contentDisposition('attachment', "it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`,
    );
  });
});
