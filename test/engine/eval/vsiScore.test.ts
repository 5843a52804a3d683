import { describe, expect, it } from 'vitest';
import { aggregateScores, firstWord, meanRelativeAccuracy, MRA_THRESHOLDS, parseNumber, scorePrediction } from '../../../src/engine/eval/vsiScore.js';

describe('VSI-Bench scoring (worked examples of the official formula)', () => {
  it('uses numpy.linspace(0.5, 0.95, 10) thresholds, float for float', () => {
    expect(MRA_THRESHOLDS).toHaveLength(10);
    expect(MRA_THRESHOLDS[0]).toBe(0.5);
    expect(MRA_THRESHOLDS[8]).toBe(0.8999999999999999); // what numpy gives, not 0.9
    expect(MRA_THRESHOLDS[9]).toBe(0.95);
  });

  it('MRA counts the thresholds θ with |pred − gt| / gt ≤ 1 − θ', () => {
    expect(meanRelativeAccuracy(1, 1)).toBe(1);
    expect(meanRelativeAccuracy(0.6, 1)).toBe(0.3); // rel 0.4 passes θ = 0.5, 0.55, 0.6
    expect(meanRelativeAccuracy(1.1, 1)).toBe(0.9); // rel 0.1 equals 1 − numpy's 0.8999999999999999
    expect(meanRelativeAccuracy(2, 1)).toBe(0); // rel 1 passes no threshold
    expect(meanRelativeAccuracy(-1, 2)).toBe(0); // negative predictions are just far off
    expect(meanRelativeAccuracy(Number.NaN, 2)).toBe(0);
    expect(() => meanRelativeAccuracy(1, 0)).toThrow(/non-zero ground truth/);
  });

  it('reads only the first word, as fuzzy_matching does', () => {
    expect(firstWord('B. left')).toBe('B');
    expect(firstWord('3. ')).toBe('3');
    expect(firstWord('2.5 meters')).toBe('2.5');
    expect(parseNumber('2.5')).toBe(2.5);
    expect(parseNumber('1e2')).toBe(100);
    expect(parseNumber('two')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
  });

  it('scores choice by exact case-insensitive letter and numbers by MRA; unparsable text scores 0', () => {
    expect(scorePrediction('object_rel_direction_easy', 'B. left', 'B')).toBe(1);
    expect(scorePrediction('object_rel_distance', 'b', 'B')).toBe(1);
    expect(scorePrediction('obj_appearance_order', 'C', 'B')).toBe(0);
    expect(scorePrediction('object_counting', '3', 3)).toBe(1);
    expect(scorePrediction('object_abs_distance', 'about two meters', 2)).toBe(0);
    expect(scorePrediction('object_size_estimation', 180, '200')).toBe(0.9); // rel 0.1 passes θ ≤ 0.9
    expect(scorePrediction('object_size_estimation', 170, '200')).toBe(0.8); // rel 0.15 passes θ ≤ 0.85 (1 − 0.85 = 0.15000000000000002)
  });

  it('overall = mean of family scores with the three direction levels averaged into one first', () => {
    const rows = [
      { family: 'object_counting', score: 0.5 },
      { family: 'object_counting', score: 0.5 },
      { family: 'object_rel_direction_easy', score: 1 },
      { family: 'object_rel_direction_medium', score: 0 },
      { family: 'object_rel_direction_hard', score: 0.5 },
    ];
    const { families, overall } = aggregateScores(rows);
    expect(families.find((f) => f.family === 'object_counting')).toEqual({ family: 'object_counting', n: 2, score: 0.5 });
    expect(overall).toBe(0.5); // (0.5 + (1 + 0 + 0.5) / 3) / 2
    // A missing level counts as 0, as the official pop(…, 0.) / 3 does.
    expect(aggregateScores([{ family: 'object_rel_direction_easy', score: 0.9 }]).overall).toBeCloseTo(0.3, 12);
  });

  it('route planning is a choice family scored by accuracy and one of the eight parts of the overall', () => {
    expect(scorePrediction('route_planning', 'C. Turn Left, Turn Right', 'C')).toBe(1);
    expect(scorePrediction('route_planning', 'Turn Left, Turn Right', 'C')).toBe(0); // the first word is no letter
    // Eight VSI-Bench families, direction's three levels first averaged into one: 7 parts at 1, route planning at 0.
    const ones = ['object_counting', 'object_abs_distance', 'object_size_estimation', 'room_size_estimation', 'object_rel_distance', 'obj_appearance_order', 'object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard'];
    const { families, overall } = aggregateScores([...ones.map((family) => ({ family, score: 1 })), { family: 'route_planning', score: 0 }, { family: 'route_planning', score: 0 }]);
    expect(families.find((f) => f.family === 'route_planning')).toEqual({ family: 'route_planning', n: 2, score: 0 });
    expect(overall).toBe(7 / 8);
  });
});
