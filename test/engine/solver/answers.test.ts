import { describe, expect, it } from 'vitest';
import { scorePrediction } from '../../../src/engine/eval/vsiScore.js';
import {
  ANSWER_CLASSES,
  ANSWER_RANGES,
  COUNT_MAX,
  FAMILY_UNIT,
  NUMERIC_BINS,
  answerBias,
  answerTarget,
  binRatio,
  decodeAnswer,
  encodeAnswer,
  expectedScore,
  geometricMeanConfidence,
  validRange,
  type AnswerQuestion,
  type NumericUnit,
} from '../../../src/engine/solver/answers.js';
import { MASK_BIAS } from '../../../src/engine/solver/onnx/layers.js';
import { FAMILIES } from '../../../src/shared/proposer.js';

const choice = (n: number): AnswerQuestion => ({
  family: 'object_rel_distance',
  answerType: 'choice',
  options: Array.from({ length: n }, (_, i) => `${'ABCDEF'[i]}. option ${i}`),
});
const numeric = (family: AnswerQuestion['family']): AnswerQuestion => ({ family, answerType: 'number' });

describe('solver answer encoding', () => {
  it('has a unit for every family and one contiguous block per unit', () => {
    for (const f of FAMILIES) expect(FAMILY_UNIT[f]).toBeDefined();
    const blocks = Object.values(ANSWER_RANGES).sort((a, b) => a.start - b.start);
    let next = 0;
    for (const b of blocks) {
      expect(b.start).toBe(next);
      next += b.count;
    }
    expect(next).toBe(ANSWER_CLASSES);
  });

  it('round-trips option letters and refuses letters past the options', () => {
    const q = choice(3);
    for (const l of ['A', 'B', 'C']) expect(decodeAnswer(q, encodeAnswer(q, l))).toBe(l);
    expect(encodeAnswer(q, ' b ')).toBe(encodeAnswer(q, 'B'));
    expect(() => encodeAnswer(q, 'D')).toThrow(/A–C/);
    expect(() => encodeAnswer(q, 2)).toThrow();
    expect(() => validRange(choice(1))).toThrow(/2–6 options/);
  });

  it('round-trips counts exactly, clamping above the last bin', () => {
    const q = numeric('object_counting');
    for (let k = 0; k <= COUNT_MAX; k++) expect(decodeAnswer(q, encodeAnswer(q, k))).toBe(k);
    expect(decodeAnswer(q, encodeAnswer(q, 57))).toBe(COUNT_MAX);
    expect(decodeAnswer(q, encodeAnswer(q, 2.4))).toBe(2);
  });

  it('decodes a measured answer to its log-bin centre, within half a bin of the truth', () => {
    const families = { m: 'object_abs_distance', cm: 'object_size_estimation', m2: 'room_size_estimation' } as const;
    for (const unit of ['m', 'cm', 'm2'] as NumericUnit[]) {
      const q = numeric(families[unit]);
      const b = NUMERIC_BINS[unit];
      const halfBin = Math.sqrt(binRatio(unit));
      for (let i = 0; i <= 200; i++) {
        const v = b.lo * Math.pow(b.hi / b.lo, i / 200) * (i === 0 ? 1.0001 : i === 200 ? 0.9999 : 1);
        const back = decodeAnswer(q, encodeAnswer(q, v)) as number;
        expect(Math.max(back / v, v / back)).toBeLessThanOrEqual(halfBin * (1 + 1e-9));
      }
      // Out of range clamps to the end bins; the bins of a unit never leave its block.
      expect(encodeAnswer(q, b.lo / 10)).toBe(ANSWER_RANGES[unit].start);
      expect(encodeAnswer(q, b.hi * 10)).toBe(ANSWER_RANGES[unit].start + b.bins - 1);
      expect(() => encodeAnswer(q, Number.NaN)).toThrow(/finite/);
    }
    // camera distances share the metre bins.
    expect(encodeAnswer(numeric('camera_object_distance'), 2)).toBe(encodeAnswer(numeric('object_abs_distance'), 2));
  });

  it('masks every class but the question’s own', () => {
    const bias = answerBias(choice(3));
    const open = [...bias.keys()].filter((i) => bias[i] === 0);
    expect(open).toEqual([0, 1, 2]);
    expect(bias[3]).toBe(MASK_BIAS);
    const size = answerBias(numeric('object_size_estimation'));
    expect([...size.keys()].filter((i) => size[i] === 0)).toEqual(Array.from({ length: NUMERIC_BINS.cm.bins }, (_, i) => ANSWER_RANGES.cm.start + i));
    expect(() => answerBias({ family: 'object_counting', answerType: 'choice', options: ['A. 1', 'B. 2'] })).toThrow(/number/);
  });

  it('spreads measured targets over neighbouring bins of the same unit only', () => {
    const q = numeric('object_abs_distance');
    const cls = encodeAnswer(q, 0.05); // first bin: the Gaussian is cut at the block's edge
    const t = answerTarget(q, cls, 1);
    expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const r = ANSWER_RANGES.m;
    for (let i = 0; i < ANSWER_CLASSES; i++) if (i < r.start || i >= r.start + r.count) expect(t[i]).toBe(0);
    expect(t[cls]).toBeGreaterThan(t[cls + 1]!);
    const exact = answerTarget(choice(4), 2, 1);
    expect(exact[2]).toBe(1);
    expect(exact.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('confidence is the geometric mean of the answer tokens’ probabilities', () => {
    // Two tokens with p = 0.5 and 0.2: √(0.5 · 0.2) = √0.1.
    expect(geometricMeanConfidence([Math.log(0.5), Math.log(0.2)])).toBeCloseTo(Math.sqrt(0.1), 12);
    // One token: its own probability.
    expect(geometricMeanConfidence([Math.log(0.37)])).toBeCloseTo(0.37, 12);
    expect(() => geometricMeanConfidence([])).toThrow();
  });
});

describe('expectedScore (p̂)', () => {
  const score = (p: string | number, t: string | number, family: string) => scorePrediction(family, p, t);
  it('is P(ground-truth letter) for a choice question', () => {
    const q = { family: 'object_rel_distance' as const, answerType: 'choice' as const, options: ['A. x', 'B. y', 'C. z', 'D. w'] };
    const logp = new Float32Array(ANSWER_CLASSES).fill(-100);
    const start = ANSWER_RANGES.choice.start;
    [0.1, 0.6, 0.2, 0.1].forEach((p, i) => (logp[start + i] = Math.log(p)));
    expect(expectedScore(q, logp, 'B', (p, t) => score(p, t, q.family))).toBeCloseTo(0.6, 5);
    expect(expectedScore(q, logp, 'D', (p, t) => score(p, t, q.family))).toBeCloseTo(0.1, 5);
  });
  it('gives a confident near miss on a measurement most of its MRA, and a confident far miss nothing', () => {
    const q = { family: 'object_abs_distance' as const, answerType: 'number' as const };
    const near = new Float32Array(ANSWER_CLASSES).fill(-100);
    near[encodeAnswer(q, 2.3)] = 0;
    const p = expectedScore(q, near, 2, (a, t) => score(a, t, q.family));
    expect(p).toBeGreaterThan(0.5);
    expect(p).toBeLessThan(1);
    const far = new Float32Array(ANSWER_CLASSES).fill(-100);
    far[encodeAnswer(q, 12)] = 0;
    expect(expectedScore(q, far, 2, (a, t) => score(a, t, q.family))).toBe(0);
  });
});
