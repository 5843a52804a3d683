import { describe, expect, it } from 'vitest';
import type { RunGroup } from '../../../../src/shared/api.js';
import { pairedDifference, meanInterval } from '../../../../src/shared/statistics.js';
import { differenceSentence, groupSeries, roundColumns, statPoint } from '../../../../src/renderer/src/views/compare/compare.js';
import { armSeries, experimentTitle } from '../../../../src/renderer/src/views/experiment/experiment.js';

const stat = (round: number, values: number[], samplesSeen: number) => ({ round, score: meanInterval(values), samplesSeen });
const group = (key: string, rounds: ReturnType<typeof stat>[]): RunGroup => ({ key, title: key, label: '', settings: {}, runs: [], rounds });

describe('comparison view logic', () => {
  it('puts a group reading on rounds trained or samples seen, with its interval and n', () => {
    expect(statPoint(stat(-1, [0.5, 0.5], 0), 'round')).toMatchObject({ x: 0, mean: 0.5, n: 2, xLabel: 'start' });
    const p = statPoint(stat(1, [0.6, 0.62, 0.64], 3200), 'samples');
    expect(p).toMatchObject({ x: 3200, n: 3, xLabel: '3,200 samples (round 1)' });
    expect(p.hi! - p.lo!).toBeCloseTo((2 * 4.302652729911275 * 0.02) / Math.sqrt(3), 9);
    expect(statPoint(stat(1, [0.6], 10), 'round')).toMatchObject({ x: 2, lo: null, hi: null, n: 1, xLabel: 'after round 1' });
  });

  it('charts only the shown groups, and tables every round any group reached', () => {
    const groups = [group('a', [stat(-1, [0.5], 0), stat(0, [0.6], 1)]), group('b', [stat(0, [0.6], 1), stat(1, [0.7], 2)])];
    expect(groupSeries(groups, ['b'], 'round', () => 'red').map((s) => [s.id, s.points.map((p) => p.x)])).toEqual([['b', [1, 2]]]);
    expect(roundColumns(groups)).toEqual([-1, 0, 1]);
  });

  it('states a difference with its interval, and says when the interval holds 0', () => {
    const better = { round: 1, pairs: [0, 1, 2].map((seed) => ({ seed, dataSeed: 0, a: 0, b: 0 })), difference: pairedDifference([0.6, 0.62, 0.64], [0.57, 0.58, 0.59]) };
    expect(differenceSentence(better, 'A', 'B')).toBe('After round 1, over 3 seeds paired: A − B = +4.0 [1.5, 6.5] better.');
    const none = { ...better, round: -1, difference: pairedDifference([0.6, 0.5, 0.7], [0.55, 0.56, 0.57]) };
    // Differences 0.05, −0.06, 0.13: mean 0.04, sd 0.0954, half-width 4.303 · 0.0954 / √3 = 0.237.
    expect(differenceSentence(none, 'A', 'B')).toBe('At the start, over 3 seeds paired: A − B = +4.0 [−19.7, 27.7] no difference (the 95% interval holds 0).');
    const one = { round: 0, pairs: [{ seed: 0, dataSeed: 0, a: 0.6, b: 0.5 }], difference: pairedDifference([0.6], [0.5]) };
    expect(differenceSentence(one, 'A', 'B')).toBe('After round 0, over 1 seed paired: A − B = +10.0 (n = 1) no difference (one pair has no interval).');
  });
});

describe('experiment view logic', () => {
  it('charts arms with curves and names an experiment by preset, base, arms and seeds', () => {
    const arm = (name: string, curve: ReturnType<typeof stat>[]) => ({ arm: name, cells: [], seeds: 0, score: null, gain: null, vsNoFeedback: null, samplesUsed: 0, wallMs: 0, curve });
    const arms = [arm('no feedback', [stat(-1, [0.5, 0.5], 0), stat(0, [0.6, 0.61], 100)]), arm('static', [])];
    expect(armSeries(arms, 'samples', () => 'red').map((s) => [s.id, s.points.map((p) => p.x)])).toEqual([['no feedback', [0, 100]]]);
    expect(armSeries(arms, 'round', () => 'red')[0]!.points.map((p) => p.x)).toEqual([0, 1]);
    expect(experimentTitle({ key: 'k', preset: 'quick', initCheckpoint: 7, benchmarkSetId: 'b', seeds: [0, 1], base: 0.5, arms, targets: [], winner: null, conclusion: '', excluded: [] })).toBe(
      'quick preset · base checkpoint 7 · 2 arms × 2 seeds',
    );
  });
});
