/**
 * Colour scales: sequential ramps for heatmaps, curves and point colouring, and a categorical palette for
 * series and objects. Colours are [r, g, b] in 0…255 so the same function fills GPU buffers and CSS strings.
 */
export type Rgb = [number, number, number];

export type RampName = 'viridis' | 'confidence' | 'height';

/** Control points (t, colour), t ascending from 0 to 1. */
const RAMPS: Record<RampName, readonly (readonly [number, Rgb])[]> = {
  // Perceptually ordered, colour-blind safe (matplotlib's viridis, sampled).
  viridis: [
    [0, [68, 1, 84]],
    [0.125, [71, 44, 122]],
    [0.25, [59, 81, 139]],
    [0.375, [44, 113, 142]],
    [0.5, [33, 144, 141]],
    [0.625, [39, 173, 129]],
    [0.75, [92, 200, 99]],
    [0.875, [170, 220, 50]],
    [1, [253, 231, 37]],
  ],
  // Solver confidence: hard (red) → frontier (amber) → easy (green).
  confidence: [
    [0, [215, 48, 39]],
    [0.25, [244, 109, 67]],
    [0.5, [253, 174, 97]],
    [0.75, [166, 217, 106]],
    [1, [26, 152, 80]],
  ],
  // Height: blue floor → white ceiling, warm in between.
  height: [
    [0, [49, 54, 149]],
    [0.3, [69, 117, 180]],
    [0.55, [171, 217, 233]],
    [0.8, [254, 224, 144]],
    [1, [244, 109, 67]],
  ],
};

export function clamp01(t: number): number {
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Colour of a ramp at t ∈ [0, 1] (clamped; NaN maps to 0), written into `out` to avoid allocation. */
export function rampInto(ramp: RampName, t: number, out: Rgb): Rgb {
  const stops = RAMPS[ramp];
  const x = Number.isNaN(t) ? 0 : clamp01(t);
  let i = 1;
  while (i < stops.length - 1 && stops[i]![0] < x) i++;
  const [t0, c0] = stops[i - 1]!;
  const [t1, c1] = stops[i]!;
  const f = t1 === t0 ? 0 : (x - t0) / (t1 - t0);
  out[0] = Math.round(c0[0] + (c1[0] - c0[0]) * f);
  out[1] = Math.round(c0[1] + (c1[1] - c0[1]) * f);
  out[2] = Math.round(c0[2] + (c1[2] - c0[2]) * f);
  return out;
}

export function rampColor(ramp: RampName, t: number): Rgb {
  return rampInto(ramp, t, [0, 0, 0]);
}

/** A 256-entry lookup table (RGB interleaved) for colouring millions of points without per-point interpolation. */
export function rampLut(ramp: RampName, size = 256): Uint8Array {
  const lut = new Uint8Array(size * 3);
  const c: Rgb = [0, 0, 0];
  for (let i = 0; i < size; i++) {
    rampInto(ramp, i / (size - 1), c);
    lut[3 * i] = c[0];
    lut[3 * i + 1] = c[1];
    lut[3 * i + 2] = c[2];
  }
  return lut;
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

export function rgbHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Black or white, whichever reads better on the given background (WCAG relative luminance). */
export function textOn([r, g, b]: Rgb): string {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return l > 0.22 ? '#111' : '#fff';
}

export interface LinearScale {
  domain: [number, number];
  ramp: RampName;
  /** Colour for a value; null values get the "no data" colour. */
  color(v: number | null): Rgb;
  css(v: number | null): string;
  /** Position of v in the domain, 0…1 (clamped). */
  t(v: number): number;
}

export const NO_DATA: Rgb = [58, 62, 70];

export function linearScale(domain: [number, number], ramp: RampName = 'viridis'): LinearScale {
  const [lo, hi] = domain;
  const span = hi - lo;
  const t = (v: number): number => (span > 0 ? clamp01((v - lo) / span) : 0.5);
  const color = (v: number | null): Rgb => (v === null || !Number.isFinite(v) ? [...NO_DATA] : rampColor(ramp, t(v)));
  return { domain, ramp, t, color, css: (v) => rgbCss(color(v)) };
}

/** Legend stops: `n` evenly spaced values across the domain with their colours. */
export function legendStops(scale: LinearScale, n = 6): { value: number; color: string; offset: number }[] {
  const [lo, hi] = scale.domain;
  return Array.from({ length: n }, (_, i) => {
    const offset = n === 1 ? 0 : i / (n - 1);
    const value = lo + (hi - lo) * offset;
    return { value, offset, color: scale.css(value) };
  });
}

/** Categorical colours: golden-angle hues, distinguishable for the first dozen and stable per index. */
export function categoryColor(index: number): Rgb {
  const hue = ((index * 137.508) % 360 + 360) % 360;
  return hslToRgb(hue, 0.62, 0.58);
}

/** A stable colour for an integer id (object ids): hash first so neighbouring ids differ. */
export function idColor(id: number): Rgb {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  const hue = (h % 3600) / 10;
  const light = 0.5 + ((h >>> 12) % 20) / 100;
  return hslToRgb(hue, 0.65, light);
}

export function hslToRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r1, g1, b1] =
    hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return [Math.round((r1 + m) * 255), Math.round((g1 + m) * 255), Math.round((b1 + m) * 255)];
}

/** Colours of the three buckets, used in tables and bars alike. */
export const BUCKET_COLORS: Record<'easy' | 'frontier' | 'hard', string> = {
  easy: '#1a9850',
  frontier: '#fdae61',
  hard: '#d73027',
};
