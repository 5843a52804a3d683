/**
 * Depth maps as 8-bit colour images for the viewer and for PNG export. Turbo (Mikhailov, Google 2019) rather
 * than grey: equal depth steps read as roughly equal colour steps, and near/far stay distinguishable at a
 * glance. Pixels with no depth (0) are black, which no turbo colour is.
 */

// The published degree-5 polynomial fit of Turbo, close enough to the table for a preview and table-free.
const R = [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
const G = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
const B = [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

function poly(c: readonly number[], t: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * t + c[i]!;
  return y;
}

const to8 = (x: number): number => Math.round(255 * Math.min(1, Math.max(0, x)));

/** Turbo colour of t ∈ [0, 1] (clamped). */
export function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  return [to8(poly(R, x)), to8(poly(G, x)), to8(poly(B, x))];
}

export interface DepthColormapOptions {
  /** Depth (m) shown as the colormap's start; default the smallest depth present. */
  min?: number;
  /** Depth (m) shown as the colormap's end; default the largest depth present. */
  max?: number;
}

/** RGB bytes (w·h·3) of a depth map (metres, 0 = nothing): near is blue, far is red, nothing is black. */
export function colorizeDepth(depth: Float32Array, options: DepthColormapOptions = {}): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    if (d > 0) {
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
  }
  lo = options.min ?? lo;
  hi = options.max ?? hi;
  const span = hi > lo ? hi - lo : 1;
  // 256-entry lookup: the polynomial per pixel would cost more than the rest of the conversion.
  const lut = new Uint8Array(256 * 3);
  for (let k = 0; k < 256; k++) lut.set(turbo(k / 255), 3 * k);
  const out = new Uint8Array(depth.length * 3);
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    if (!(d > 0)) continue;
    const k = Math.round(255 * Math.min(1, Math.max(0, (d - lo) / span)));
    out[3 * i] = lut[3 * k]!;
    out[3 * i + 1] = lut[3 * k + 1]!;
    out[3 * i + 2] = lut[3 * k + 2]!;
  }
  return out;
}
