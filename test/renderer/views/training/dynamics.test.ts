import { describe, expect, it } from 'vitest';
import type { TrainingPoint, TrainingSeries } from '../../../../src/shared/api.js';
import { buildLines, layoutDynChart, readAt, valueOf, xOf } from '../../../../src/renderer/src/views/training/dynamics.js';

const point = (step: number, over: Partial<TrainingPoint> = {}): TrainingPoint => ({
  step,
  stepLast: step,
  round: 0,
  roundPosition: step / 4,
  trainingMs: 100 * step,
  n: 1,
  loss: 3 - step / 2,
  lossMin: 3 - step / 2,
  lossMax: 3 - step / 2,
  lr: 0.001,
  lrMin: 0.001,
  lrMax: 0.001,
  gradNorm: step === 2 ? null : 1,
  gradNormMin: step === 2 ? null : 1,
  gradNormMax: step === 2 ? null : 1,
  ...over,
});
const series = (runId: string, points: TrainingPoint[]): TrainingSeries => ({ runId, name: runId, mode: 'closed-loop', status: 'completed', total: points.length, downsampled: false, points });
const box = { width: 400, height: 200, margin: { top: 10, right: 10, bottom: 20, left: 40 } };

describe('training dynamics lines', () => {
  it('places a point on each axis: middle step of a bucket, round position, training seconds', () => {
    const p = point(5, { stepLast: 8, roundPosition: 1.5, trainingMs: 2500 });
    expect([xOf(p, 'step'), xOf(p, 'round'), xOf(p, 'time')]).toEqual([6.5, 1.5, 2.5]);
    expect(valueOf(point(2), 'gradNorm')).toBeNull();
    expect(valueOf(point(1, { lossMin: 1, lossMax: 9 }), 'loss')).toEqual({ mean: 2.5, min: 1, max: 9 });
  });

  it('smooths with the EMA (weight 0: the raw values), leaving gaps where a statistic is missing', () => {
    const s = series('a', [point(1), point(2), point(3), point(4)]);
    const raw = buildLines([s], 'loss', 'step', false, 0, () => 'red')[0]!;
    expect(raw.smooth).toEqual(raw.raw);
    const smooth = buildLines([s], 'loss', 'step', false, 0.5, () => 'red')[0]!;
    // Losses 2.5, 2, 1.5, 1 at w = ½: 2.5, (1.25 + 1)/0.75 = 3, …
    expect(smooth.smooth[1]).toBeCloseTo((0.25 * 2.5 + 0.5 * 2) / 0.75, 12);
    const norm = buildLines([s], 'gradNorm', 'step', false, 0.5, () => 'red')[0]!;
    expect(norm.raw).toEqual([1, null, 1, 1]);
    const chart = layoutDynChart([norm], box, false);
    // Two segments: the pen lifts over the missing step.
    expect(chart.paths[0]!.raw.match(/M/g)).toHaveLength(2);
  });

  it('drops x ≤ 0 on a log axis, and draws the min–max band only for downsampled buckets', () => {
    const s = series('a', [point(1, { trainingMs: 0 }), point(2), point(3, { n: 4, lossMin: 0.1, lossMax: 5 })]);
    expect(buildLines([s], 'loss', 'time', true, 0, () => 'red')[0]!.xs).toEqual([0.2, 0.3]);
    const lines = buildLines([s], 'loss', 'step', true, 0, () => 'red');
    const chart = layoutDynChart(lines, box, true);
    expect(chart.x.log).toBe(true);
    expect(chart.paths[0]!.band).toMatch(/ Z$/);
    // The band's extremes set the y range, so a spike is never clipped.
    expect(chart.y.domain[1]).toBeGreaterThanOrEqual(5);
    expect(layoutDynChart(buildLines([series('b', [point(1), point(2)])], 'loss', 'step', false, 0, () => 'red'), box, false).paths[0]!.band).toBe('');
  });

  it("reads every run's nearest point at the cursor", () => {
    const lines = buildLines([series('a', [point(1), point(2), point(3)]), series('b', [point(10)])], 'loss', 'step', false, 0, (id) => id);
    expect(readAt(lines, 2.2).map((r) => [r.runId, r.step, r.raw])).toEqual([
      ['a', 2, 2],
      ['b', 10, -2],
    ]);
    expect(readAt([], 1)).toEqual([]);
  });
});
