/**
 * Format and pixel size of a PNG or JPEG from its first bytes, without decoding it: importers check that a
 * frame's file is an image a browser and a multimodal model can take, and readers of a stored image say its
 * MIME type and size. Problems are described by position, never by quoting bytes (they may be any file).
 */
import type { FrameImageMime } from '../../shared/scene.js';

export interface ImageHeader {
  mime: FrameImageMime;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image's format and size, or a sentence saying why the bytes are not a PNG or JPEG we can size. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | string {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return pngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegHeader(bytes);
  return `expected a PNG or JPEG image, found ${bytes.length === 0 ? 'an empty file' : 'neither signature at its start'}`;
}

const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

function pngHeader(b: Uint8Array): ImageHeader | string {
  // The first chunk must be IHDR: length 13, type "IHDR", then width and height.
  if (b.length < 24 || u32(b, 8) !== 13 || String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') {
    return 'expected a PNG whose first chunk is IHDR, found a truncated or damaged header';
  }
  const width = u32(b, 16);
  const height = u32(b, 20);
  if (width === 0 || height === 0) return `expected a PNG with a positive size, found ${width}×${height}`;
  return { mime: 'image/png', width, height };
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegHeader(b: Uint8Array): ImageHeader | string {
  let o = 2;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return `expected a JPEG marker at byte ${o}, found another byte`;
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    // Markers without a length: restart markers and TEM. An end of image before a frame header: no size.
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2;
      continue;
    }
    const len = u16(b, o + 2);
    if (len < 2) return `expected a JPEG segment length of 2 or more at byte ${o + 2}, found ${len}`;
    if (isStartOfFrame(marker)) {
      if (o + 9 > b.length) break;
      const height = u16(b, o + 5);
      const width = u16(b, o + 7);
      if (width === 0 || height === 0) return `expected a JPEG with a positive size, found ${width}×${height}`;
      return { mime: 'image/jpeg', width, height };
    }
    // Entropy-coded data follows a start of scan; a frame header always comes before it.
    if (marker === 0xda) break;
    o += 2 + len;
  }
  return 'expected a JPEG with a frame header (SOF) before its image data, found none';
}
