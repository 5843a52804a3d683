import { describe, expect, it } from 'vitest';
import { bootstrapOverall, formatInterval } from '../../../src/engine/eval/bootstrap.js';
import { aggregateScores } from '../../../src/engine/eval/vsiScore.js';

type Question = { family: string; score: number };

/** A fixed, benchmark-like mix: choice families score 0/1, numeric families score MRA steps of 0.1. */
function fixture(perFamily: number): Question[] {
  const questions: Question[] = [];
  const choice = ['object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard', 'route_planning', 'obj_appearance_order'];
  const numeric = ['object_counting', 'object_abs_distance', 'room_size_estimation'];
  choice.forEach((family, f) => {
    for (let i = 0; i < perFamily; i++) questions.push({ family, score: (i * 7 + f * 3) % 10 < 4 + f ? 1 : 0 });
  });
  numeric.forEach((family, f) => {
    for (let i = 0; i < perFamily; i++) questions.push({ family, score: ((i * 13 + f * 5) % 11) / 10 });
  });
  return questions;
}

/** Alternating 0/1 scores: mean ½, population sd ½. */
function coinFamily(family: string, n: number): Question[] {
  return Array.from({ length: n }, (_, i) => ({ family, score: i % 2 }));
}

describe('bootstrapOverall', () => {
  const questions = fixture(60);

  it('reports the scorer’s own overall as the point estimate and an interval around it', () => {
    const r = bootstrapOverall(questions);
    expect(r.overall).toBe(aggregateScores(questions).overall);
    expect(r.resamples).toBe(1000);
    expect(r.lo).toBeLessThan(r.overall);
    expect(r.hi).toBeGreaterThan(r.overall);
    expect(r.halfWidth).toBeCloseTo((r.hi - r.lo) / 2, 15);
    // 7 merged parts of ~60 questions each: SE ≈ 0.016, so a 95% half-width of a few points, not 0 and not 20.
    expect(r.halfWidth).toBeGreaterThan(0.015);
    expect(r.halfWidth).toBeLessThan(0.05);
  });

  it('is deterministic for a seed, independent of question interleaving, and varies with the seed', () => {
    const a = bootstrapOverall(questions, { seed: 7 });
    expect(bootstrapOverall(questions, { seed: 7 })).toEqual(a);
    const interleaved = questions.map((q, i) => ({ q, key: i % 60 })).sort((x, y) => x.key - y.key).map((x) => x.q);
    expect(bootstrapOverall(interleaved, { seed: 7 })).toEqual(a);
    const b = bootstrapOverall(questions, { seed: 8 });
    expect(b.overall).toBe(a.overall);
    expect([b.lo, b.hi]).not.toEqual([a.lo, a.hi]);
  });

  it('narrows as 1/√n: four copies of every question halve the half-width (within 15%)', () => {
    const one = bootstrapOverall(questions, { seed: 3 });
    const four = bootstrapOverall([...questions, ...questions, ...questions, ...questions], { seed: 3 });
    expect(four.overall).toBeCloseTo(one.overall, 12);
    expect(four.halfWidth / one.halfWidth).toBeGreaterThan(0.5 * 0.85);
    expect(four.halfWidth / one.halfWidth).toBeLessThan(0.5 * 1.15);
  });

  it('resamples within families: a constant family adds no variance and never drops out', () => {
    // Unstratified, the single 'route_planning' question would be missing from ~37% of resamples, changing the
    // formula; stratified, overall = (1 + mean of the coin family) / 2 in every resample.
    const r = bootstrapOverall([{ family: 'route_planning', score: 1 }, ...coinFamily('object_counting', 50)], { seed: 1 });
    expect(r.overall).toBe(0.75);
    const expected = (1.96 * 0.5) / Math.sqrt(50) / 2; // half the coin family's own normal 95% half-width
    expect(r.halfWidth).toBeGreaterThan(expected * 0.85);
    expect(r.halfWidth).toBeLessThan(expected * 1.15);
    expect(r.lo).toBeGreaterThanOrEqual(0.5);

    const constant = bootstrapOverall([...Array.from({ length: 30 }, () => ({ family: 'object_counting', score: 0.75 })), { family: 'route_planning', score: 0 }]);
    expect([constant.lo, constant.overall, constant.hi, constant.halfWidth]).toEqual([0.375, 0.375, 0.375, 0]);
  });

  it('weights families exactly as the scorer does: each direction level counts one third of one part', () => {
    const r = bootstrapOverall(
      [
        ...coinFamily('object_rel_direction_easy', 100),
        { family: 'object_rel_direction_medium', score: 1 },
        { family: 'object_rel_direction_hard', score: 0 },
        { family: 'object_counting', score: 1 },
      ],
      { seed: 2 },
    );
    expect(r.overall).toBeCloseTo((1 + (0.5 + 1 + 0) / 3) / 2, 12);
    const expected = (1.96 * 0.05) / 6; // easy's SE 0.05, weight ⅓ within direction × ½ in the overall
    expect(r.halfWidth).toBeGreaterThan(expected * 0.85);
    expect(r.halfWidth).toBeLessThan(expected * 1.15);
  });

  it('honours resamples and level, and refuses nonsense', () => {
    const r90 = bootstrapOverall(questions, { level: 0.9, resamples: 400 });
    const r99 = bootstrapOverall(questions, { level: 0.99, resamples: 400 });
    expect(r90.resamples).toBe(400);
    expect(r99.halfWidth).toBeGreaterThan(r90.halfWidth);
    expect(() => bootstrapOverall([])).toThrow(/at least one question/);
    expect(() => bootstrapOverall(questions, { level: 95 })).toThrow(/level/);
    expect(() => bootstrapOverall(questions, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapOverall(questions, { seed: -1 })).toThrow(/seed/);
    expect(() => bootstrapOverall([{ family: 'object_counting', score: Number.NaN }])).toThrow(/not finite/);
  });

});

describe('formatInterval', () => {
  it('prints percent with one decimal by default', () => {
    expect(formatInterval({ overall: 0.473, lo: 0.464, hi: 0.482 })).toBe('47.3 [46.4, 48.2]');
    expect(formatInterval({ overall: 0.473, lo: 0.464, hi: 0.482 }, 1, 3)).toBe('0.473 [0.464, 0.482]');
    expect(formatInterval({ overall: -0.01, lo: -0.02, hi: 0.0001 })).toBe('\u22121.0 [\u22122.0, 0.0]');
  });
});
