import { describe, expect, it } from 'vitest';
import { benchmarkDebias, blindAnswers, debiasedQuestionIds, DEBIAS_RULE } from '../../../src/engine/loop/debiased.js';
import { visionBlindGaps } from '../../../src/shared/debiased.js';
import type { BenchmarkQuestionRecord } from '../../../src/shared/records.js';

let nextId = 1;
function question(sceneId: string, family: string, answer: string | number, options: string[] | null = null, labels: string[] = ['chair']): BenchmarkQuestionRecord {
  return {
    id: nextId++,
    setId: 'b',
    sceneId,
    family,
    question: `${family} about ${labels.join(', ')}?`,
    options,
    answerType: options ? 'choice' : 'number',
    answer,
    named: labels.map((label) => ({ label, role: 'unique' as const })),
    frame: null,
    metadata: {},
  };
}

/**
 * Twelve scenes, one question of each family per scene: a direction question whose answer is always "right"
 * (a prior answers it), a distance that is always 2 m (a prior answers it), and counts from 1 to 12 (no prior can).
 */
function benchmark(): BenchmarkQuestionRecord[] {
  const out: BenchmarkQuestionRecord[] = [];
  for (let i = 0; i < 12; i++) {
    const scene = `synthetic:${i}`;
    out.push(question(scene, 'object_rel_direction_easy', 'B', ['A. left', 'B. right'], ['bed', 'door', 'chair']));
    out.push(question(scene, 'object_abs_distance', 2, null, ['bed', 'door']));
    out.push(question(scene, 'object_counting', i + 1));
  }
  return out;
}

describe('the debiased benchmark', () => {
  it('removes exactly the questions the out-of-fold blind model answers correctly with confidence ≥ the threshold', () => {
    const qs = benchmark();
    const answers = blindAnswers(qs);
    const removed = new Set(answers.filter((a) => a.removed).map((a) => a.questionId));
    expect(qs.filter((q) => removed.has(q.id)).map((q) => q.family).sort()).toEqual([...Array(12).fill('object_abs_distance'), ...Array(12).fill('object_rel_direction_easy')]);
    for (const a of answers) {
      const rightAndSure = a.prediction !== undefined && a.score === 1 && a.confidence >= DEBIAS_RULE.minConfidence;
      // Numbers count as right within 10% (the rule), which MRA's 1.0 implies here: the truths are exact.
      if (a.removed) expect(rightAndSure).toBe(true);
    }
    // Counts vary too much for a prior: none is answered with confidence.
    expect(answers.filter((a) => a.family === 'object_counting').every((a) => a.confidence < DEBIAS_RULE.minConfidence)).toBe(true);
    expect([...debiasedQuestionIds(qs)].sort((a, b) => a - b)).toEqual(qs.filter((q) => q.family === 'object_counting').map((q) => q.id));
  });

  it('scores the blind model on both versions and names the rule', () => {
    const d = benchmarkDebias(benchmark());
    expect(d.questions).toEqual({ full: 36, debiased: 12 });
    expect(d.removedByFamily).toEqual([
      { family: 'object_rel_direction_easy', removed: 12, of: 12 },
      { family: 'object_abs_distance', removed: 12, of: 12 },
      { family: 'object_counting', removed: 0, of: 12 },
    ]);
    const family = (s: typeof d.blind.full, f: string) => s.families.find((x) => x.family === f)?.score;
    expect(family(d.blind.full, 'object_rel_direction_easy')).toBe(1);
    expect(family(d.blind.full, 'object_abs_distance')).toBe(1);
    expect(family(d.blind.debiased, 'object_rel_direction_easy')).toBeUndefined();
    expect(family(d.blind.debiased, 'object_counting')).toBe(family(d.blind.full, 'object_counting'));
    expect(d.blind.debiased.overall).toBeLessThan(d.blind.full.overall);
    expect(d.rule).toBe('removed: questions the blind, text-only baseline (fitted out-of-fold by scene on the benchmark itself, 3 folds) answers correctly with confidence ≥ 0.7 (numbers: within 10% of the truth)');
  });

  it('keeps every question of a one-scene benchmark: nothing to fit a prior on', () => {
    const qs = benchmark().filter((q) => q.sceneId === 'synthetic:0');
    expect(debiasedQuestionIds(qs).size).toBe(qs.length);
  });

  it('gives the vision-minus-blind gap per family and overall, null where a side is missing', () => {
    const score = (overall: number, rows: [string, number, number][]) => ({ overall, families: rows.map(([family, s, n]) => ({ family, score: s, n })) });
    const blind = { full: score(0.6, [['a', 0.9, 10], ['b', 0.3, 10]]), debiased: score(0.2, [['b', 0.2, 6]]) };
    const rows = visionBlindGaps({ full: score(0.7, [['a', 0.95, 10], ['b', 0.45, 10]]), debiased: score(0.4, [['b', 0.4, 6]]) }, blind);
    expect(rows.map((r) => [r.family, r.gap.full === null ? null : +r.gap.full.toFixed(3), r.gap.debiased === null ? null : +r.gap.debiased.toFixed(3), r.n])).toEqual([
      ['a', 0.05, null, { full: 10, debiased: 0 }],
      ['b', 0.15, 0.2, { full: 10, debiased: 6 }],
      [null, 0.1, 0.2, { full: 20, debiased: 6 }],
    ]);
    expect(visionBlindGaps({ full: score(0.7, [['a', 0.95, 10]]) }, blind).at(-1)!.solver.debiased).toBeNull();
  });
});
