/**
 * The held-out benchmark's debiased version, in the spirit of VSI-Bench-Debiased ("Benchmark Designers Should
 * Train on the Test Set", Brown et al. 2025): a question a blind, text-only model answers from priors measures
 * priors, not vision, so the debiased version leaves it out.
 *
 * The rule, fixed before any result was looked at:
 *  - The blind model is the product's own (proposer/filters/shortcut.ts, `BlindBaseline`: the family, the named
 *    labels and the option texts, never the scene), fitted as the stress test fits it: on the benchmark itself,
 *    out-of-fold by scene (DEBIAS_RULE.folds folds, the shortcut filter's scene hash), so a question's own answer
 *    never informs its prior.
 *  - A question is removed when the blind answer is correct with confidence ≥ DEBIAS_RULE.minConfidence. "Correct"
 *    and "confidence" are the shortcut filter's: the chosen option, or for numbers within
 *    DEBIAS_RULE.numericTolerance relative error of the truth; confidence = the top option's share of the
 *    option scores, or the share of fitted answers near the predicted median. The same thresholds as the filter
 *    that keeps training data free of shortcuts (DEFAULT_SHORTCUT), so one definition of "answerable blind".
 * A question the blind model has no prior for is kept.
 */
import type { BenchmarkDebias, RunDebias } from '../../shared/debiased.js';
import type { FamilyScoreRow, HeldoutScore } from '../../shared/loop.js';
import type { BenchmarkQuestionRecord, MetricRecord } from '../../shared/records.js';
import { bootstrapOverall } from '../eval/bootstrap.js';
import { aggregateScores, scorePrediction } from '../eval/vsiScore.js';
import { BlindBaseline, DEFAULT_SHORTCUT, foldOf, type BlindInput } from '../proposer/filters/shortcut.js';
import { heldoutByRound, SCORE_METRIC } from './metrics.js';

export const DEBIAS_RULE = {
  folds: DEFAULT_SHORTCUT.folds,
  minConfidence: DEFAULT_SHORTCUT.maxConfidence,
  numericTolerance: DEFAULT_SHORTCUT.numericTolerance,
} as const;

/** The metric the loop records for the solver on the debiased version, beside `score` on the full one. */
export const DEBIASED_SCORE_METRIC = 'score_debiased';

export interface BlindAnswer {
  questionId: number;
  family: string;
  /** Undefined where the blind model had no prior for the question (then it is kept). */
  prediction?: string | number;
  confidence: number;
  /** VSI-Bench's score of the blind prediction (accuracy or MRA), 0 without a prediction. */
  score: number;
  /** Removed from the debiased version: correct with high confidence. */
  removed: boolean;
}

const blindInput = (q: BenchmarkQuestionRecord): BlindInput => ({
  family: q.family as BlindInput['family'],
  named: q.named ?? [],
  ...(q.options ? { options: q.options } : {}),
  answer: q.answer,
  answerType: q.answerType,
});

/** The blind model's out-of-fold answer to every question, in question order. */
export function blindAnswers(questions: readonly BenchmarkQuestionRecord[]): BlindAnswer[] {
  const folds = Math.max(1, Math.min(DEBIAS_RULE.folds, new Set(questions.map((q) => q.sceneId)).size));
  const options = { ...DEFAULT_SHORTCUT, numericTolerance: DEBIAS_RULE.numericTolerance };
  // One scene (one fold) leaves nothing to fit on: every prior is missing and every question is kept.
  const models = Array.from({ length: folds }, (_, f) =>
    new BlindBaseline(options).fit(folds === 1 ? [] : questions.filter((q) => foldOf(q.sceneId, folds) !== f).map(blindInput)),
  );
  return questions.map((q) => {
    const p = models[foldOf(q.sceneId, folds)]!.predict(blindInput(q));
    if (!p) return { questionId: q.id, family: q.family, confidence: 0, score: 0, removed: false };
    return {
      questionId: q.id,
      family: q.family,
      prediction: p.prediction,
      confidence: p.confidence,
      score: scorePrediction(q.family, p.prediction, q.answer),
      removed: p.correct && p.confidence >= DEBIAS_RULE.minConfidence,
    };
  });
}

const kept = new WeakMap<readonly BenchmarkQuestionRecord[], Set<number>>();

/** Ids of the questions the debiased version keeps (cached per question list: the loop asks every round). */
export function debiasedQuestionIds(questions: readonly BenchmarkQuestionRecord[]): Set<number> {
  let ids = kept.get(questions);
  if (!ids) kept.set(questions, (ids = new Set(blindAnswers(questions).filter((a) => !a.removed).map((a) => a.questionId))));
  return ids;
}

/** VSI-Bench's score over per-question rows, with the fixed-seed bootstrap interval evaluateOnBenchmark gives. */
export function heldoutScoreOf(rows: readonly { family: string; score: number }[]): HeldoutScore {
  const agg = aggregateScores(rows);
  const families: FamilyScoreRow[] = agg.families.map((f) => ({ family: f.family, score: f.score, n: f.n }));
  const ci = rows.length > 0 ? bootstrapOverall([...rows], { seed: 0 }) : undefined;
  return { overall: agg.overall, families, ...(ci ? { interval: { lo: ci.lo, hi: ci.hi } } : {}) };
}

export interface BlindScores {
  full: HeldoutScore;
  debiased: HeldoutScore;
  /** Questions in each version, and how many the rule removed per family. */
  questions: { full: number; debiased: number };
  removedByFamily: { family: string; removed: number; of: number }[];
}

/** The blind model's score on both versions of the benchmark. */
export function blindScores(questions: readonly BenchmarkQuestionRecord[]): BlindScores {
  const answers = blindAnswers(questions);
  const debiased = answers.filter((a) => !a.removed);
  const byFamily = new Map<string, { removed: number; of: number }>();
  for (const a of answers) {
    const f = byFamily.get(a.family) ?? { removed: 0, of: 0 };
    f.of++;
    if (a.removed) f.removed++;
    byFamily.set(a.family, f);
  }
  return {
    full: heldoutScoreOf(answers),
    debiased: heldoutScoreOf(debiased),
    questions: { full: answers.length, debiased: debiased.length },
    removedByFamily: [...byFamily].map(([family, f]) => ({ family, ...f })),
  };
}

export const DEBIAS_RULE_TEXT =
  `removed: questions the blind, text-only baseline (fitted out-of-fold by scene on the benchmark itself, ${DEBIAS_RULE.folds} folds) answers correctly ` +
  `with confidence ≥ ${DEBIAS_RULE.minConfidence} (numbers: within ${100 * DEBIAS_RULE.numericTolerance}% of the truth)`;

/** What the workbench and the export say about a benchmark's two versions (src/shared/debiased.ts). */
export function benchmarkDebias(questions: readonly BenchmarkQuestionRecord[]): BenchmarkDebias {
  const b = blindScores(questions);
  return { rule: DEBIAS_RULE_TEXT, questions: b.questions, removedByFamily: b.removedByFamily, blind: { full: b.full, debiased: b.debiased } };
}

/** The solver's scores on both versions after the run's latest evaluated round (`debiased` absent when not recorded). */
export function solverOnBoth(metrics: readonly MetricRecord[]): RunDebias['solver'] {
  const full = [...heldoutByRound(metrics, SCORE_METRIC)].at(-1);
  if (!full) return null;
  const debiased = heldoutByRound(metrics, DEBIASED_SCORE_METRIC).get(full[0]);
  return { round: full[0], full: full[1], ...(debiased ? { debiased } : {}) };
}
