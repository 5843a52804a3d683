/**
 * The viewer benchmark's inputs and figures: synthetic room-like point clouds generated in the browser
 * (no API), and frame-time summaries.
 */
import { mean, percentile } from '../../lib/stats.js';

export const DEFAULT_SIZES = [1_000_000, 5_000_000, 10_000_000];
export const DEFAULT_FRAMES = 60;

export interface BenchParams {
  sizes: number[];
  frames: number;
  auto: boolean;
}

export function parseBenchParams(params: Record<string, string>): BenchParams {
  const sizes = (params.sizes ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0 && n <= 50_000_000);
  const frames = Number(params.frames);
  return {
    sizes: sizes.length > 0 ? sizes : DEFAULT_SIZES,
    frames: Number.isInteger(frames) && frames >= 2 && frames <= 1000 ? frames : DEFAULT_FRAMES,
    auto: params.auto === '1' || params.auto === 'true',
  };
}

/** mulberry32: tiny seeded generator, good enough for test geometry. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticCloud {
  count: number;
  positions: Float32Array;
  colors: Uint8Array;
}

/**
 * n points on the surfaces of an 8 × 6 × 3 m room (floor, four walls) and a dozen boxes inside it, Z up,
 * coloured by surface with some noise. Deterministic for a seed.
 */
export function syntheticCloud(n: number, seed = 1): SyntheticCloud {
  const g = cloudGenerator(n, seed);
  g.fill(n);
  return g.cloud;
}

/**
 * The same cloud made a slice at a time (`fill(k)` makes the next k points; the result does not depend on the
 * slicing), so the viewer benchmark can yield to the page between slices instead of freezing it for the
 * seconds 10M points take.
 */
export function cloudGenerator(n: number, seed = 1): { cloud: SyntheticCloud; done(): number; fill(k: number): void } {
  const positions = new Float32Array(n * 3);
  const colors = new Uint8Array(n * 3);
  const r = rng(seed);
  const W = 8;
  const D = 6;
  const H = 3;
  const boxes = Array.from({ length: 12 }, () => {
    const w = 0.4 + r() * 1.4;
    const d = 0.4 + r() * 1.2;
    const h = 0.4 + r() * 1.5;
    return { x: r() * (W - w), y: r() * (D - d), w, d, h, c: [80 + r() * 170, 80 + r() * 170, 80 + r() * 170] };
  });
  let next = 0;
  const fill = (k: number): void => {
    const end = Math.min(n, next + k);
    for (let i = next; i < end; i++) {
      const s = r();
      let x: number;
      let y: number;
      let z: number;
      let c0: number;
      let c1: number;
      let c2: number;
      if (s < 0.35) {
        x = r() * W;
        y = r() * D;
        z = 0;
        c0 = 150;
        c1 = 120;
        c2 = 90;
      } else if (s < 0.65) {
        const wall = Math.floor(r() * 4);
        const t = r();
        z = r() * H;
        x = wall === 0 ? t * W : wall === 1 ? t * W : wall === 2 ? 0 : W;
        y = wall === 0 ? 0 : wall === 1 ? D : t * D;
        c0 = 200;
        c1 = 200;
        c2 = 190;
      } else {
        const b = boxes[Math.floor(r() * boxes.length)]!;
        const face = r();
        x = b.x + r() * b.w;
        y = b.y + r() * b.d;
        z = face < 0.4 ? b.h : r() * b.h;
        if (face >= 0.4) {
          if (face < 0.7) x = r() < 0.5 ? b.x : b.x + b.w;
          else y = r() < 0.5 ? b.y : b.y + b.d;
        }
        [c0, c1, c2] = b.c as [number, number, number];
      }
      const noise = (r() - 0.5) * 30;
      positions[3 * i] = x;
      positions[3 * i + 1] = y;
      positions[3 * i + 2] = z;
      colors[3 * i] = Math.max(0, Math.min(255, c0 + noise));
      colors[3 * i + 1] = Math.max(0, Math.min(255, c1 + noise));
      colors[3 * i + 2] = Math.max(0, Math.min(255, c2 + noise));
    }
    next = end;
  };
  return { cloud: { count: n, positions, colors }, done: () => next, fill };
}

export interface BenchResult {
  points: number;
  /** Generating the points in JS. */
  generateMs: number;
  /** First frame after the buffers are set: upload to the GPU plus one draw, synchronised. */
  uploadMs: number;
  frames: number;
  /** Render time per forced frame (draw + finish), ms. */
  meanMs: number;
  p95Ms: number;
  /** requestAnimationFrame interval while forcing a frame each time (includes vsync when present). */
  meanIntervalMs: number;
  fps: number;
}

export function summarizeFrames(points: number, generateMs: number, uploadMs: number, renderMs: readonly number[], intervals: readonly number[]): BenchResult {
  const meanInterval = mean(intervals);
  return {
    points,
    generateMs,
    uploadMs,
    frames: renderMs.length,
    meanMs: mean(renderMs),
    p95Ms: percentile(renderMs, 95),
    meanIntervalMs: meanInterval,
    fps: meanInterval > 0 ? 1000 / meanInterval : NaN,
  };
}

export interface ViewerBenchState {
  /** cancelled: by the Cancel button or by leaving the page; the sizes measured before that are kept. */
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  params: BenchParams;
  results: BenchResult[];
  error: string | null;
  /** Which size is being measured now. */
  current: number | null;
}
