/**
 * Level of detail for the point cloud: the budget slider works on a log scale between the store's limits, and
 * the default keeps 10M-point scenes interactive by asking the host for a uniform subsample.
 */
import { MAX_BUDGET, MIN_BUDGET } from '../../state/sceneStore.js';

export const BUDGET_PRESETS = [250_000, 1_000_000, 2_000_000, MAX_BUDGET];

/** Slider position in [0, 1000] for a budget. */
export function budgetToSlider(budget: number): number {
  const t = (Math.log(Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, budget))) - Math.log(MIN_BUDGET)) / (Math.log(MAX_BUDGET) - Math.log(MIN_BUDGET));
  return Math.round(t * 1000);
}

/** Budget for a slider position, rounded to two significant digits. */
export function sliderToBudget(pos: number): number {
  const t = Math.max(0, Math.min(1000, pos)) / 1000;
  const raw = Math.exp(Math.log(MIN_BUDGET) + t * (Math.log(MAX_BUDGET) - Math.log(MIN_BUDGET)));
  const mag = Math.pow(10, Math.floor(Math.log10(raw)) - 1);
  return Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, Math.round(raw / mag) * mag));
}

/** A point size (metres) that keeps surfaces closed at the given density: coarser clouds get bigger points. */
export function suggestedPointSize(count: number, roomArea: number): number {
  if (count <= 0) return 0.02;
  // Points are spread over roughly floor + walls + furniture ≈ 3 × floor area.
  const spacing = Math.sqrt((Math.max(1, roomArea) * 3) / count);
  return Math.max(0.004, Math.min(0.06, spacing * 1.5));
}

/**
 * Points drawn while the camera moves: enough to keep the room's shape readable, few enough that a frame of
 * a 2M-point cloud stays interactive on a software renderer (bench/viewer.ts measures it).
 */
export const MOVING_POINT_BUDGET = 200_000;

/**
 * A uniform subsample of `target` of `count` points as ascending indices, for an index buffer over the full
 * cloud's GPU buffers (nothing re-uploaded). Stratified: one random pick in each of `target` equal runs of the
 * point order, so it covers the cloud evenly without the aliasing a fixed stride gives on scan-ordered data.
 * Null when the cloud is small enough to draw whole.
 */
export function lodIndices(count: number, target: number, seed = 1): Uint32Array | null {
  if (target <= 0 || count <= target) return null;
  const out = new Uint32Array(target);
  const step = count / target;
  let s = seed >>> 0 || 1;
  for (let k = 0; k < target; k++) {
    // xorshift32: cheap, seeded, plenty for jitter.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const i = Math.floor((k + s / 4294967296) * step);
    out[k] = Math.min(count - 1, i);
  }
  return out;
}
