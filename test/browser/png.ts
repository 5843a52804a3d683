/**
 * Just enough PNG for the browser tests: decodes Chromium's screenshots (8-bit RGB or RGBA, not interlaced)
 * and summarises their pixels, to tell a rendered WebGL canvas from a blank one.
 */
import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array): Pixels {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!SIGNATURE.every((v, i) => buf[i] === v)) throw new Error('not a PNG (bad signature)');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 4;
  const idat: Buffer[] = [];
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
        throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colorType}, interlace ${interlace} (expected 8-bit RGB/RGBA)`);
      }
      channels = colorType === 2 ? 3 : 4;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new Error(`PNG data holds ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[row + x - channels]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[row - stride + x - channels]! : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[row + x] = (raw[src + x]! + pred) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

export interface PixelStats {
  pixels: number;
  /** Distinct RGB colours. */
  distinct: number;
  /** The most common colour, as [r, g, b]. */
  dominant: [number, number, number];
  /** Share of pixels that are not the dominant colour. */
  nonDominant: number;
}

export function pixelStats(img: Pixels): PixelStats {
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const p = i * img.channels;
    const key = (img.data[p]! << 16) | (img.data[p + 1]! << 8) | img.data[p + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let dominantKey = 0;
  let dominantCount = 0;
  for (const [k, c] of counts) {
    if (c > dominantCount) {
      dominantKey = k;
      dominantCount = c;
    }
  }
  return {
    pixels: n,
    distinct: counts.size,
    dominant: [(dominantKey >> 16) & 0xff, (dominantKey >> 8) & 0xff, dominantKey & 0xff],
    nonDominant: n === 0 ? 0 : 1 - dominantCount / n,
  };
}
