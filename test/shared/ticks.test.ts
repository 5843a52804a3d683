import { describe, expect, it } from 'vitest';
import { niceAxis, niceTicks, tickStep, ticksWithin } from '../../src/shared/ticks.js';

describe('niceTicks (the app charts and the report plots)', () => {
  it('covers [0, 1] in fifths and tenths', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1, 10)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0, 1, 2)).toEqual([0, 0.5, 1]);
  });

  it('keeps to the range, without floating-point noise in the values', () => {
    expect(niceTicks(0, 0.37)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 0.37, 10)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(0, 10_000, 5)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
  });

  it('starts at the first multiple of the step inside the range', () => {
    expect(niceTicks(3, 1e6)).toEqual([200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(niceTicks(3, 1e6, 10)).toEqual([100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000, 900_000, 1_000_000]);
    expect(niceTicks(0.93, 4.07, 3)).toEqual([1, 2, 3, 4]);
  });

  it('handles negative and reversed ranges', () => {
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(-0.37, 0)).toEqual([-0.3, -0.2, -0.1, 0]);
    expect(niceTicks(-250, -30, 4)).toEqual([-250, -200, -150, -100, -50]);
    expect(niceTicks(1, 0)).toEqual(niceTicks(0, 1));
  });

  it('gives the one value for equal ends and nothing for a non-finite range', () => {
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, 0)).toEqual([0]);
    expect(niceTicks(0, Number.NaN)).toEqual([]);
    expect(niceTicks(0, Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('picks the 1-2-5 step whose count is closest to the target (d3 thresholds)', () => {
    // raw step 0.25 → 0.2 (5 steps) rather than 0.5 (2 steps): nearer four.
    expect(tickStep(0, 1, 4)).toBe(0.2);
    // raw step 0.12 / 5 = 0.024 → 0.02 (6 steps), not 0.05 (3 steps).
    expect(tickStep(0.6, 0.72, 5)).toBe(0.02);
    expect(tickStep(0, 7.5, 1)).toBe(10);
    expect(tickStep(0, 7, 1)).toBe(5);
    expect(tickStep(0, 3.2, 1)).toBe(5);
    expect(tickStep(0, 3.1, 1)).toBe(2);
    expect(tickStep(0, 1.5, 1)).toBe(2);
    expect(tickStep(0, 1.4, 1)).toBe(1);
    expect(tickStep(2, 2)).toBe(0);
    expect(tickStep(0, 5e-7, 1)).toBe(5e-7);
  });
});

describe('niceAxis and ticksWithin (report plots)', () => {
  it('widens an axis out to whole steps', () => {
    expect(niceAxis(0, 0.93)).toEqual({ lo: 0, hi: 1, step: 0.2, values: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceAxis(0, 0.37)).toEqual({ lo: 0, hi: 0.4, step: 0.1, values: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(niceAxis(-0.37, 0.21, 4)).toMatchObject({ lo: -0.4, hi: 0.4, step: 0.2 });
    expect(niceAxis(3, 1e6)).toMatchObject({ lo: 0, hi: 1e6, step: 200_000 });
  });

  it('widens a zero-width range around its value and refuses a non-finite one', () => {
    expect(niceAxis(3, 3)).toMatchObject({ lo: 2.7, hi: 3.3, step: 0.1 });
    expect(niceAxis(0, 0)).toMatchObject({ lo: -1, hi: 1 });
    expect(() => niceAxis(0, Number.NaN)).toThrow(RangeError);
  });

  it('keeps a fixed range and lists the nice ticks inside it', () => {
    expect(ticksWithin(0, 10074, 3)).toEqual({ lo: 0, hi: 10074, step: 5000, values: [0, 5000, 10000] });
    expect(ticksWithin(0.6, 0.72)).toEqual({ lo: 0.6, hi: 0.72, step: 0.02, values: [0.6, 0.62, 0.64, 0.66, 0.68, 0.7, 0.72] });
    expect(ticksWithin(0, 1).values).toEqual(niceTicks(0, 1));
    expect(ticksWithin(5, 5)).toEqual({ lo: 5, hi: 5, step: 0.2, values: [5] });
    expect(() => ticksWithin(Number.NaN, 1)).toThrow(RangeError);
  });
});
