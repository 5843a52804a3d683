/**
 * The solver's answer vocabulary: one class per answer (written as one or two tokens, below). Choice questions answer with an option letter;
 * counts with an exact integer (0…20, the last meaning "20 or more"); measurements with a log-spaced bin of
 * their family's unit, since the benchmark scores them by relative error (MRA) and a log bin has the same
 * relative width everywhere. A bin decodes to its centre in log space.
 *
 * Every question may only answer with tokens of its own kind — a distance question never says "B", a
 * three-option question never says "D" — so the model gets an additive mask over the answer logits.
 *
 * Confidence is the geometric mean of the answer tokens' probabilities. A letter or a count is one token. A
 * measurement is two, as a language model writes a number as several digit tokens: its magnitude (a group of
 * MEASURE_GROUP neighbouring bins, a factor of about 2) and the bin within it. The network predicts the bin in
 * one softmax, so the two token probabilities are P(group) and P(bin | group), and their geometric mean is
 * √P(bin). Counting a measurement as one token would make every near miss look hopeless: P(exact bin) is small
 * even for a good estimate, and the controller would starve the numeric families as "hard".
 */
import { FAMILY_UNIT, type AnswerType, type AnswerUnit, type Family, type NumericUnit } from '../../shared/proposer.js';
import { MASK_BIAS } from './onnx/layers.js';

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type Letter = (typeof LETTERS)[number];

// Each family's unit is shared with the UI, which prints answers in it.
export { FAMILY_UNIT, type AnswerUnit, type NumericUnit } from '../../shared/proposer.js';

/** Largest count with a token of its own; anything above answers with it. */
export const COUNT_MAX = 20;

export interface LogBins {
  lo: number;
  hi: number;
  bins: number;
}

/**
 * Ranges cover the families' answers on real and synthetic rooms: closest-point distances and camera
 * distances from 5 cm to 25 m, longest dimensions from a computer mouse (~3 cm) to a meeting table (~4 m),
 * floor areas from a closet to an open-plan floor. Values outside clamp to the end bins.
 */
export const NUMERIC_BINS: Readonly<Record<NumericUnit, LogBins>> = {
  m: { lo: 0.05, hi: 25, bins: 48 },
  cm: { lo: 2, hi: 600, bins: 48 },
  m2: { lo: 2, hi: 400, bins: 48 },
};

interface Range {
  start: number;
  count: number;
}

/** Contiguous blocks of the answer vocabulary, in this order. */
export const ANSWER_RANGES: Readonly<Record<AnswerUnit, Range>> = (() => {
  const sizes: [AnswerUnit, number][] = [
    ['choice', LETTERS.length],
    ['count', COUNT_MAX + 1],
    ['m', NUMERIC_BINS.m.bins],
    ['cm', NUMERIC_BINS.cm.bins],
    ['m2', NUMERIC_BINS.m2.bins],
  ];
  const out = {} as Record<AnswerUnit, Range>;
  let start = 0;
  for (const [unit, count] of sizes) {
    out[unit] = { start, count };
    start += count;
  }
  return out;
})();

/** Size of the answer vocabulary. */
export const ANSWER_CLASSES = Object.values(ANSWER_RANGES).reduce((n, r) => n + r.count, 0);

/** What the answer encoding needs to know about a question. */
export interface AnswerQuestion {
  family: Family;
  answerType: AnswerType;
  options?: string[];
}

export function unitOf(q: AnswerQuestion): AnswerUnit {
  const unit = FAMILY_UNIT[q.family];
  if (unit === undefined) throw new RangeError(`unknown family "${q.family}"`);
  if ((unit === 'choice') !== (q.answerType === 'choice')) {
    throw new RangeError(`family ${q.family} answers with ${unit === 'choice' ? 'a choice' : 'a number'}, but the question says ${q.answerType}`);
  }
  return unit;
}

/** Answer classes this question may use: its option letters, or its unit's block. */
export function validRange(q: AnswerQuestion): Range {
  const unit = unitOf(q);
  if (unit !== 'choice') return ANSWER_RANGES[unit];
  const n = q.options?.length ?? 0;
  if (n < 2 || n > LETTERS.length) throw new RangeError(`a choice question needs 2–${LETTERS.length} options, got ${n}`);
  return { start: ANSWER_RANGES.choice.start, count: n };
}

/** Additive logit mask: 0 on the question's valid classes, MASK_BIAS elsewhere. Written into `out` at `offset`. */
export function answerBias(q: AnswerQuestion, out: Float32Array = new Float32Array(ANSWER_CLASSES), offset = 0): Float32Array {
  const r = validRange(q);
  out.fill(MASK_BIAS, offset, offset + ANSWER_CLASSES);
  out.fill(0, offset + r.start, offset + r.start + r.count);
  return out;
}

function logBin(b: LogBins, value: number): number {
  if (!(value > b.lo)) return 0;
  const i = Math.floor((b.bins * Math.log(value / b.lo)) / Math.log(b.hi / b.lo));
  return Math.min(b.bins - 1, Math.max(0, i));
}

/** Geometric centre of bin i. */
export function binCentre(unit: NumericUnit, i: number): number {
  const b = NUMERIC_BINS[unit];
  return b.lo * Math.pow(b.hi / b.lo, (i + 0.5) / b.bins);
}

/** Ratio between consecutive bin edges (the largest relative error of a bin centre is its square root). */
export function binRatio(unit: NumericUnit): number {
  const b = NUMERIC_BINS[unit];
  return Math.pow(b.hi / b.lo, 1 / b.bins);
}

/** The answer class of a ground-truth answer (an option letter or a number). */
export function encodeAnswer(q: AnswerQuestion, answer: string | number): number {
  const unit = unitOf(q);
  const range = validRange(q);
  if (unit === 'choice') {
    const i = typeof answer === 'string' ? LETTERS.indexOf(answer.trim().toUpperCase() as Letter) : -1;
    if (i < 0 || i >= range.count) throw new RangeError(`answer ${JSON.stringify(answer)} is not one of the options' letters A–${LETTERS[range.count - 1]}`);
    return range.start + i;
  }
  const v = typeof answer === 'number' ? answer : Number(answer);
  if (!Number.isFinite(v)) throw new RangeError(`numeric answer must be a finite number, got ${JSON.stringify(answer)}`);
  if (unit === 'count') return range.start + Math.min(COUNT_MAX, Math.max(0, Math.round(v)));
  return range.start + logBin(NUMERIC_BINS[unit], v);
}

/** The answer an answer class stands for: a letter, a count, or a bin centre. */
export function decodeAnswer(q: AnswerQuestion, cls: number): string | number {
  const unit = unitOf(q);
  const r = validRange(q);
  const i = cls - r.start;
  if (!Number.isInteger(cls) || i < 0 || i >= r.count) throw new RangeError(`class ${cls} is not a valid answer for ${q.family}`);
  if (unit === 'choice') return LETTERS[i]!;
  if (unit === 'count') return i;
  return binCentre(unit, i);
}

/**
 * The training target distribution. Choice and count answers are exact: all mass on the answer. A measured
 * answer spreads over neighbouring bins with a Gaussian of `sigmaBins` (renormalised within the unit's
 * block): the answer itself came from noisy boxes, and a neighbour bin is a near miss, not a wrong answer.
 */
export function answerTarget(q: AnswerQuestion, cls: number, sigmaBins: number, out: Float32Array = new Float32Array(ANSWER_CLASSES), offset = 0): Float32Array {
  out.fill(0, offset, offset + ANSWER_CLASSES);
  const unit = unitOf(q);
  if (unit === 'choice' || unit === 'count' || !(sigmaBins > 0)) {
    out[offset + cls] = 1;
    return out;
  }
  const r = validRange(q);
  const centre = cls - r.start;
  const reach = Math.ceil(3 * sigmaBins);
  let total = 0;
  for (let i = Math.max(0, centre - reach); i <= Math.min(r.count - 1, centre + reach); i++) {
    const w = Math.exp(-0.5 * ((i - centre) / sigmaBins) ** 2);
    out[offset + r.start + i] = w;
    total += w;
  }
  for (let i = Math.max(0, centre - reach); i <= Math.min(r.count - 1, centre + reach); i++) out[offset + r.start + i]! /= total;
  return out;
}

/** Neighbouring log bins that form one magnitude token of a measurement (48 bins → 8 magnitudes). */
export const MEASURE_GROUP = 6;

/** Tokens the answer of a question is written with: 2 for measurements, 1 for letters and counts. */
export function answerTokenCount(q: AnswerQuestion): number {
  const unit = unitOf(q);
  return unit === 'choice' || unit === 'count' ? 1 : 2;
}

/** Confidence of an answer class from its log-probability (one softmax over classes): geometric mean of its tokens. */
export function classConfidence(q: AnswerQuestion, logProb: number): number {
  return Math.exp(logProb / answerTokenCount(q));
}

/**
 * The answer's token probabilities from the full distribution over classes: [P(class)] for one-token answers,
 * [P(magnitude group), P(bin | group)] for measurements.
 */
export function answerTokenProbs(q: AnswerQuestion, logp: ArrayLike<number>, cls: number): number[] {
  const p = Math.exp(logp[cls]!);
  if (answerTokenCount(q) === 1) return [p];
  const r = validRange(q);
  const g0 = r.start + Math.floor((cls - r.start) / MEASURE_GROUP) * MEASURE_GROUP;
  let group = 0;
  for (let c = g0; c < Math.min(g0 + MEASURE_GROUP, r.start + r.count); c++) group += Math.exp(logp[c]!);
  return [group, group > 0 ? p / group : 0];
}

/** Geometric mean of the answer tokens' probabilities, from their log-probabilities. */
export function geometricMeanConfidence(logProbs: ArrayLike<number>): number {
  if (logProbs.length === 0) throw new RangeError('an answer has at least one token');
  let s = 0;
  for (let i = 0; i < logProbs.length; i++) s += logProbs[i]!;
  return Math.exp(s / logProbs.length);
}

/**
 * p̂: the probability of answering right, as the benchmark scores "right" — the expected score of an answer
 * drawn from the model's distribution over the question's valid classes. For a choice question it is
 * P(ground-truth letter); for a count or a measurement it is Σ P(class)·score(class, truth), so a confident near
 * miss on a distance earns most of its MRA instead of counting as wrong. The learnability rule ranks by
 * p̂(1 − p̂); the scorer is passed in (the VSI-Bench one) so this module stays free of evaluation code.
 */
export function expectedScore(
  q: AnswerQuestion,
  logp: ArrayLike<number>,
  truth: string | number,
  score: (prediction: string | number, truth: string | number) => number,
): number {
  const r = validRange(q);
  let total = 0;
  let mass = 0;
  for (let c = r.start; c < r.start + r.count; c++) {
    const p = Math.exp(logp[c]!);
    if (p < 1e-7) continue;
    mass += p;
    total += p * score(decodeAnswer(q, c), truth);
  }
  // The mask leaves ~0 mass outside the valid range; renormalising keeps p̂ a probability whatever the float noise.
  return mass > 0 ? Math.min(1, Math.max(0, total / mass)) : 0;
}
