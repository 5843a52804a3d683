/** The pure helpers behind the training, comparison and experiment views, against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { axisScale, formatTick, logTicks, nearestIndex } from '../../../src/renderer/src/lib/axisScale.js';
import { intervalText, layoutIntervalChart, readIntervals, type IntervalSeries } from '../../../src/renderer/src/lib/intervalChart.js';
import { emaSmooth } from '../../../src/renderer/src/lib/smoothing.js';
import { differenceText, signedPoints, verdictClass } from '../../../src/renderer/src/lib/verdict.js';
import { pairedDifference } from '../../../src/shared/statistics.js';

describe('EMA smoothing (TensorBoard-style, debiased)', () => {
  it('starts at the first value and follows 1/2-weighted averages', () => {
    // w = 0.5: (0.5, 0.5) → 1; (1.25, 0.75) → 5/3; (2.125, 0.875) → 17/7.
    const s = emaSmooth([1, 2, 3], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(5 / 3, 12);
    expect(s[2]).toBeCloseTo(17 / 7, 12);
  });

  it('is the identity at weight 0, skips gaps, and refuses a weight of 1', () => {
    expect(emaSmooth([3, null, 5], 0)).toEqual([3, null, 5]);
    const s = emaSmooth([1, null, 2], 0.5);
    expect(s[1]).toBeNull();
    expect(s[2]).toBeCloseTo(5 / 3, 12);
    expect(() => emaSmooth([1], 1)).toThrow(/\[0, 1\)/);
  });

  it('treats a bucket of n steps as n steps of its mean, so downsampling barely moves the curve', () => {
    const perStep = emaSmooth([1, 1, 2, 2, 2, 3], 0.8);
    const bucketed = emaSmooth([1, 2, 3], 0.8, [2, 3, 1]);
    expect(bucketed[0]).toBeCloseTo(perStep[1]!, 12);
    expect(bucketed[1]).toBeCloseTo(perStep[4]!, 12);
    expect(bucketed[2]).toBeCloseTo(perStep[5]!, 12);
  });
});

describe('axis scales', () => {
  it('maps linearly, inverts, and labels nice ticks', () => {
    const x = axisScale([0, 100], [50, 250]);
    expect(x.map(25)).toBe(100);
    expect(x.invert(100)).toBe(25);
    expect(x.ticks.map((t) => t.value)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('maps logarithmically with decade ticks, and refuses a non-positive domain', () => {
    const x = axisScale([1, 1000], [0, 300], true);
    expect(x.map(10)).toBeCloseTo(100, 9);
    expect(x.map(100)).toBeCloseTo(200, 9);
    expect(x.invert(150)).toBeCloseTo(10 ** 1.5, 9);
    expect(x.ticks.map((t) => t.label)).toEqual(['1', '10', '100', '1000']);
    expect(() => axisScale([0, 10], [0, 1], true)).toThrow(/positive/);
  });

  it('adds 2× and 5× ticks inside one decade, and widens a single point', () => {
    expect(logTicks(1.5, 8)).toEqual([2, 5]);
    expect(logTicks(3, 40)).toEqual([5, 10, 20]);
    const one = axisScale([4, 4], [0, 100]);
    expect(one.map(4)).toBeCloseTo(50, 9);
  });

  it('formats ticks short: 0.001, 2.5, 12k', () => {
    expect([formatTick(0), formatTick(0.001), formatTick(2.5), formatTick(12_000), formatTick(1 / 3)]).toEqual(['0', '0.001', '2.5', '12k', '0.3333']);
  });

  it('finds the nearest x by bisection, the earlier on a tie', () => {
    const xs = [1, 2, 4, 8];
    expect([nearestIndex(xs, -5), nearestIndex(xs, 2.9), nearestIndex(xs, 3), nearestIndex(xs, 3.1), nearestIndex(xs, 100)]).toEqual([0, 1, 1, 2, 3]);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('interval charts', () => {
  const series: IntervalSeries[] = [
    {
      id: 'a',
      name: 'A',
      color: 'red',
      points: [
        { x: 0, mean: 0.5, lo: 0.5, hi: 0.5, n: 3, xLabel: 'start' },
        { x: 1, mean: 0.62, lo: 0.57, hi: 0.67, n: 3, xLabel: 'after round 0' },
      ],
    },
    { id: 'b', name: 'B', color: 'blue', points: [{ x: 1, mean: 0.6, lo: null, hi: null, n: 1, xLabel: 'after round 0' }] },
  ];

  it('draws a band only where an interval exists, and hugs the data on y', () => {
    const chart = layoutIntervalChart(series, { width: 300, height: 200, margin: { top: 10, right: 10, bottom: 20, left: 40 } });
    expect(chart.lines[0]!.band).toMatch(/^M.* Z$/);
    expect(chart.lines[1]!.band).toBe('');
    // y from 0.49 to 0.68, widened to whole ticks (0.45 … 0.7), labelled in percent.
    expect(chart.y.domain[0]).toBeLessThanOrEqual(0.49);
    expect(chart.y.domain[1]).toBeGreaterThanOrEqual(0.68);
    expect(chart.y.domain[1]).toBeLessThanOrEqual(0.75);
    expect(chart.y.ticks.every((t) => /^\d+$/.test(t.label))).toBe(true);
  });

  it("reads every series' nearest point at the cursor, with its n", () => {
    expect(readIntervals(series, 0.9).map((r) => [r.id, r.point.xLabel])).toEqual([
      ['a', 'after round 0'],
      ['b', 'after round 0'],
    ]);
    expect(intervalText({ mean: 0.62, lo: 0.57, hi: 0.67, n: 3 })).toBe('62.0 ± 5.0 (n = 3)');
    expect(intervalText({ mean: 0.6, lo: null, hi: null, n: 1 })).toBe('60.0 (n = 1)');
  });
});

describe('verdicts', () => {
  it('colours only differences whose interval excludes 0', () => {
    const better = pairedDifference([0.6, 0.62, 0.64], [0.57, 0.58, 0.59]);
    const none = pairedDifference([0.6, 0.5], [0.55, 0.56]);
    const worse = pairedDifference([0.57, 0.58, 0.59], [0.6, 0.62, 0.64]);
    expect([better.verdict, none.verdict, worse.verdict]).toEqual(['better', 'no difference', 'worse']);
    expect(verdictClass(better.verdict)).toBe('verdict verdict-better');
    expect(verdictClass(none.verdict)).toBe('verdict verdict-none');
    expect(verdictClass(worse.verdict)).toBe('verdict verdict-worse');
    expect(differenceText(better)).toBe('+4.0 [1.5, 6.5] better');
    expect(differenceText(none)).toMatch(/^−0\.5 \[−\d+\.\d, \d+\.\d\] no difference$/);
  });

  it('signs points with a typographic minus and no −0.0', () => {
    expect([signedPoints(0.012), signedPoints(-0.005), signedPoints(-0.0004), signedPoints(0)]).toEqual(['+1.2', '−0.5', '0.0', '0.0']);
  });
});
