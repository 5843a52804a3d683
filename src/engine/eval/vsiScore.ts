/**
 * VSI-Bench scoring, as the official evaluation (thinking-in-space, lmms_eval/tasks/vsibench/utils.py) does it:
 * - the prediction is reduced to its first word without a trailing full stop ("B. left" → "B");
 * - choice families: exact, case-insensitive match of that word with the ground-truth letter;
 * - numeric families: Mean Relative Accuracy over θ ∈ {0.50, 0.55, …, 0.95} (10 thresholds): a prediction counts
 *   at θ when |pred − gt| / gt ≤ 1 − θ; an unparsable prediction scores 0;
 * - overall: the mean of the family scores, with the three relative-direction levels averaged into one first.
 * Ground truth 0 cannot be scored by MRA (division by zero); the official code would yield NaN/inf. We refuse
 * it with an error: our proposer never emits it (distance margins ≥ 0.1 m, counts ≥ 1).
 */
import type { Family } from '../../shared/proposer.js';

/** np.linspace(0.5, 0.95, 10) as numpy computes it (start + i·step, last element exactly the stop). */
export const MRA_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : 0.5 + i * ((0.95 - 0.5) / 9)));

/** The official fuzzy_matching: first space-separated word, trailing '.' removed, trimmed. */
export function firstWord(prediction: string): string {
  return (prediction.split(' ')[0] ?? '').replace(/\.+$/, '').trim();
}

/** Python float() accepts these; we accept the same numeric spellings and nothing else. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity|nan)$/i.test(t)) return undefined;
  const v = Number(/^[+-]?(inf|infinity)$/i.test(t) ? (t.startsWith('-') ? '-Infinity' : 'Infinity') : t);
  return Number.isNaN(v) && !/nan/i.test(t) ? undefined : v;
}

export function meanRelativeAccuracy(prediction: number, groundTruth: number): number {
  if (!(groundTruth !== 0 && Number.isFinite(groundTruth))) {
    throw new RangeError(`MRA needs a finite, non-zero ground truth, got ${groundTruth}`);
  }
  if (!Number.isFinite(prediction)) return 0;
  const rel = Math.abs(prediction - groundTruth) / groundTruth;
  // The official code divides by gt without abs(); for negative gt every threshold fails (rel < 0 ≤ 1 − θ holds!),
  // so a negative gt would score 1 for any prediction. Ground truths here are positive; see the error above.
  return MRA_THRESHOLDS.filter((t) => rel <= 1 - t).length / MRA_THRESHOLDS.length;
}

export function isChoiceFamily(family: Family | string): boolean {
  return /^(object_rel_direction_|object_rel_distance|obj_appearance_order|route_planning|object_height_comparison|object_rel_size)/.test(family);
}

/** Score of one prediction (text or number) against its ground truth. */
export function scorePrediction(family: Family | string, prediction: string | number, groundTruth: string | number): number {
  const word = typeof prediction === 'number' ? String(prediction) : firstWord(prediction);
  if (isChoiceFamily(family)) return word.toLowerCase() === String(groundTruth).toLowerCase() ? 1 : 0;
  const p = parseNumber(word);
  const gt = typeof groundTruth === 'number' ? groundTruth : parseNumber(groundTruth);
  if (gt === undefined) throw new RangeError(`ground truth "${groundTruth}" of a numeric question is not a number`);
  return p === undefined ? 0 : meanRelativeAccuracy(p, gt);
}

export interface FamilyScore {
  family: string;
  n: number;
  /** Accuracy for choice families, MRA for numeric ones. */
  score: number;
}

/** Per-family means and the overall score (relative-direction levels merged first, as the official code does). */
export function aggregateScores(rows: readonly { family: string; score: number }[]): { families: FamilyScore[]; overall: number } {
  const by = new Map<string, { n: number; sum: number }>();
  for (const r of rows) {
    const s = by.get(r.family) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += r.score;
    by.set(r.family, s);
  }
  const families = [...by].map(([family, s]) => ({ family, n: s.n, score: s.sum / s.n }));
  const direction = families.filter((f) => f.family.startsWith('object_rel_direction_'));
  const others = families.filter((f) => !f.family.startsWith('object_rel_direction_'));
  // The official code averages the three levels with a missing level counted as 0 ("pop(…, 0.)/3").
  const parts = [...others.map((f) => f.score)];
  if (direction.length > 0) {
    const levels = ['easy', 'medium', 'hard'].map((l) => families.find((f) => f.family === `object_rel_direction_${l}`)?.score ?? 0);
    parts.push(levels.reduce((a, b) => a + b, 0) / 3);
  }
  return { families, overall: parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 0 };
}
