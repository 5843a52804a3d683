import { describe, expect, it } from 'vitest';
import { mean, niceTicks, percentile } from '../../src/renderer/src/lib/stats.js';

describe('stats', () => {
  it('computes mean and interpolated percentiles', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
    const v = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([5, 1, 3], 100)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('makes nice ticks', () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 10_000, 5)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});
