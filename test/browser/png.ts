/**
 * Decodes Chromium's screenshots (pngjs) and summarises their pixels, to tell a rendered WebGL canvas from a
 * blank one.
 */
import { PNG } from 'pngjs';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, whatever colour type the file had. */
  data: Uint8Array;
}

export function decodePng(bytes: Uint8Array): Pixels {
  const { width, height, data } = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width, height, data };
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
    const p = i * 4;
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
