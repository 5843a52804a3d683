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
