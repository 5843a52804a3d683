/**
 * A minimal PNG encoder (8-bit RGB, no filtering, one IDAT) so rendered frames can be written as images
 * without an image library: the files are small frames for a viewer or a model, not archives, so the size
 * gained by per-row filters is not worth the code.
 */
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';

/** CRC-32 (ISO-HDLC, as PNG and zlib use) of `bytes`; Node's zlib computes it natively. */
export function crc32(bytes: Uint8Array, initial = 0): number {
  return zlibCrc32(bytes, initial);
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** PNG bytes of an 8-bit RGB image, rows top to bottom, `rgb.length` = width × height × 3. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) {
    throw new RangeError(`PNG size must be positive integers, got ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes for ${width}×${height}, got ${rgb.length}`);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  // compression 0 (deflate), filter method 0, interlace 0: already zero.
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
