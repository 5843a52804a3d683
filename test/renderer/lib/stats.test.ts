import { describe, expect, it } from 'vitest';
import { mean, percentile } from '../../../src/renderer/src/lib/stats.js';

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
});
