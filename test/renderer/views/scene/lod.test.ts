import { describe, expect, it } from 'vitest';
import { MAX_POINT_BUDGET } from '../../../../src/shared/apiValidation.js';
import { clampBudget, DEFAULT_BUDGET, MAX_BUDGET, MIN_BUDGET } from '../../../../src/renderer/src/state/sceneStore.js';
import { budgetToSlider, sliderToBudget, suggestedPointSize } from '../../../../src/renderer/src/views/scene/lod.js';

describe('level of detail', () => {
  it('keeps the budget within what the host serves, defaulting to ~1.5M points', () => {
    expect(MAX_BUDGET).toBe(MAX_POINT_BUDGET);
    expect(DEFAULT_BUDGET).toBeGreaterThanOrEqual(1_000_000);
    expect(DEFAULT_BUDGET).toBeLessThanOrEqual(2_000_000);
    expect(clampBudget(1e12)).toBe(MAX_BUDGET);
    expect(clampBudget(1)).toBe(MIN_BUDGET);
    expect(clampBudget(NaN)).toBe(DEFAULT_BUDGET);
  });

  it('maps the slider logarithmically and back', () => {
    expect(sliderToBudget(0)).toBe(MIN_BUDGET);
    expect(sliderToBudget(1000)).toBe(MAX_BUDGET);
    expect(budgetToSlider(MIN_BUDGET)).toBe(0);
    expect(budgetToSlider(MAX_BUDGET)).toBe(1000);
    for (const b of [50_000, 1_000_000, 2_000_000]) {
      const back = sliderToBudget(budgetToSlider(b));
      expect(Math.abs(back - b) / b).toBeLessThan(0.02);
    }
    let prev = 0;
    for (let p = 0; p <= 1000; p += 50) {
      const b = sliderToBudget(p);
      expect(b).toBeGreaterThanOrEqual(prev);
      prev = b;
    }
  });

  it('suggests larger points for sparser clouds', () => {
    expect(suggestedPointSize(10_000, 30)).toBeGreaterThan(suggestedPointSize(1_000_000, 30));
    expect(suggestedPointSize(0, 30)).toBe(0.02);
    expect(suggestedPointSize(1e9, 30)).toBe(0.004);
  });
});
