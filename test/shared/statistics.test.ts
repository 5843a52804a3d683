import { describe, expect, it } from 'vitest';
import { formatDifference, formatMeanInterval, meanInterval, pairedDifference, tQuantile } from '../../src/shared/statistics.js';

describe('Student t quantile', () => {
  it('matches the printed 97.5% table to 3 decimals, from df = 1 to the normal limit', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(tQuantile(0.975, 29)).toBeCloseTo(2.045, 3);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604, 3);
  });

  it('agrees with the closed forms for df = 1 and 2 and with high-precision values elsewhere', () => {
    for (const p of [0.6, 0.9, 0.975, 0.9995]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
    }
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.7764451052, 9);
    expect(tQuantile(0.975, 29)).toBeCloseTo(2.0452296421, 9);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.9623390808, 9);
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.959963985, 8);
  });

  it('is antisymmetric about p = ½ and continuous across the large-df switch', () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(tQuantile(0.025, 7)).toBe(-tQuantile(0.975, 7));
    expect(Math.abs(tQuantile(0.975, 1e5 - 1) - tQuantile(0.975, 1e5 + 1))).toBeLessThan(1e-9);
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe('meanInterval', () => {
  it('gives the hand-computed t interval for [1, 2, 3, 4, 5]', () => {
    // sd = √(10 / 4) = 1.5811; half-width = 2.7764 · 1.5811 / √5 = 1.9632.
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    expect(r.sd).toBeCloseTo(1.5811, 4);
    expect(r.halfWidth).toBeCloseTo(1.9632, 4);
    expect(r.lo).toBeCloseTo(1.0368, 4);
    expect(r.hi).toBeCloseTo(4.9632, 4);
  });

  it('widens with the level and keeps precision when the spread is tiny next to the mean', () => {
    const r95 = meanInterval([1, 2, 3, 4, 5]);
    const r99 = meanInterval([1, 2, 3, 4, 5], 0.99);
    expect(r99.halfWidth).toBeCloseTo((4.6041 * 1.5811) / Math.sqrt(5), 3);
    expect(r99.halfWidth as number).toBeGreaterThan(r95.halfWidth as number);
    expect(meanInterval([1e9 + 1, 1e9 + 2, 1e9 + 3]).sd).toBeCloseTo(1, 9);
  });

  it('returns JSON-safe nulls instead of an interval for a single value, and refuses empty or non-finite input', () => {
    const r = meanInterval([0.42]);
    expect(r).toEqual({ n: 1, mean: 0.42, sd: 0, lo: null, hi: null, halfWidth: null });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(() => meanInterval([])).toThrow(/at least one value/);
    expect(() => meanInterval([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => meanInterval([1, 2], 1)).toThrow(/level/);
  });
});

describe('pairedDifference', () => {
  const base = [0.5, 0.52, 0.48, 0.55, 0.51];

  it('calls a consistent improvement better, with the interval of the differences', () => {
    const r = pairedDifference([11, 12, 13, 14, 15], [10, 10, 10, 10, 10]);
    expect(r.mean).toBe(3);
    expect(r.halfWidth).toBeCloseTo(1.9632, 4);
    expect(r.verdict).toBe('better');
    const small = pairedDifference(
      base.map((x, i) => x + [0.03, 0.04, 0.035, 0.03, 0.04][i]!),
      base,
    );
    expect(small.mean).toBeCloseTo(0.035, 10);
    expect(small.lo as number).toBeGreaterThan(0);
    expect(small.verdict).toBe('better');
  });

  it('calls noisy differences no difference and a consistent loss worse', () => {
    const noisy = pairedDifference(
      base.map((x, i) => x + [0.05, -0.04, 0.03, -0.02, 0.01][i]!),
      base,
    );
    expect(noisy.mean).toBeCloseTo(0.006, 10);
    expect(noisy.lo as number).toBeLessThan(0);
    expect(noisy.hi as number).toBeGreaterThan(0);
    expect(noisy.verdict).toBe('no difference');
    const worse = pairedDifference([10, 10, 10, 10, 10], [11, 12, 13, 14, 15]);
    expect(worse.mean).toBe(-3);
    expect(worse.hi).toBeCloseTo(-1.0368, 4);
    expect(worse.verdict).toBe('worse');
  });

  it('pairs by index: a shared per-seed offset cancels, so a small constant gain is still found', () => {
    const offsets = [0, 0.3, -0.2, 0.5, -0.4];
    const a = offsets.map((o) => 0.6 + o + 0.01);
    const b = offsets.map((o) => 0.6 + o);
    const r = pairedDifference(a, b);
    expect(r.mean).toBeCloseTo(0.01, 12);
    expect(r.halfWidth as number).toBeLessThan(1e-12);
    expect(r.verdict).toBe('better');
    // Unpaired, the same arms overlap almost entirely: the seed-to-seed spread swamps the gain.
    expect(meanInterval(a).lo as number).toBeLessThan(meanInterval(b).hi as number);
  });

  it('refuses unpaired lengths and gives nulls and no difference for a single pair', () => {
    expect(() => pairedDifference([1, 2, 3], [1, 2])).toThrow(/same seeds.*3 values against 2/);
    const one = pairedDifference([0.6], [0.5]);
    expect(one.n).toBe(1);
    expect(one.mean).toBeCloseTo(0.1, 12);
    expect([one.lo, one.hi, one.halfWidth]).toEqual([null, null, null]);
    expect(one.verdict).toBe('no difference');
  });
});

describe('formatting', () => {
  it('formats a mean with its half-width, or its n when there is no interval', () => {
    expect(formatMeanInterval(meanInterval([1, 2, 3, 4, 5]))).toBe('3.0 ± 2.0');
    expect(formatMeanInterval(meanInterval([0.4, 0.42, 0.43]), 100)).toBe('41.7 ± 3.8');
    expect(formatMeanInterval(meanInterval([0.417]), 100)).toBe('41.7 (n = 1)');
    expect(formatMeanInterval(meanInterval([-1.25, -1.35]), 1, 2)).toBe('\u22121.30 ± 0.64');
  });

  it('formats differences with an explicit sign, U+2212 minus signs, and the verdict', () => {
    expect(formatDifference(pairedDifference([11, 12, 13, 14, 15], [10, 10, 10, 10, 10]))).toBe('+3.0 [1.0, 5.0] better');
    expect(formatDifference(pairedDifference([10, 10, 10, 10, 10], [11, 12, 13, 14, 15]))).toBe('\u22123.0 [\u22125.0, \u22121.0] worse');
    const noisy = pairedDifference([0.49, 0.5, 0.52, 0.47], [0.5, 0.49, 0.53, 0.48]);
    expect(formatDifference(noisy, 100)).toBe('\u22120.5 [\u22122.1, 1.1] no difference');
    expect(formatDifference(pairedDifference([0.6], [0.5]), 100)).toBe('+10.0 (n = 1) no difference');
    expect(formatDifference(pairedDifference([0.5, 0.5], [0.5, 0.5]))).toBe('0.0 [0.0, 0.0] no difference');
    expect(formatDifference(noisy, 100)).not.toContain('-');
  });
});
