/**
 * Language-shortcut filter. A blind baseline sees only the question text (its family, the labels it names and
 * the option texts), never the scene. Priors are fitted on generated data and applied out-of-fold by scene,
 * so a question's own answer never informs its prior. A question the blind model answers correctly with high
 * confidence teaches the solver a shortcut, not spatial reasoning: it is rejected.
 *
 * - Choice questions: score(option) = smoothed rate at which that option text is the answer when offered in
 *   this family (and, where the family names a reference object, given that reference). Confidence = the
 *   top option's share of the scores.
 * - Numeric questions: the median answer for the same family and named labels (falling back to the family);
 *   confidence = share of fitted answers within 10% of that median. "Correct" = within 10% of the truth.
 */
import { hashSeed } from '../../../shared/random.js';
import type { FilterVerdict, QA } from '../types.js';

export interface ShortcutOptions {
  /** Blind confidence at or above which a correct blind answer rejects the question. */
  maxConfidence: number;
  /** Scene folds for out-of-fold fitting. */
  folds: number;
  /** Fewest fitted answers for a label-level prior; otherwise the family-level prior is used. */
  minSupport: number;
  /** Relative error under which a numeric blind answer counts as correct. */
  numericTolerance: number;
}

export const DEFAULT_SHORTCUT: ShortcutOptions = { maxConfidence: 0.7, folds: 3, minSupport: 5, numericTolerance: 0.1 };

export interface BlindPrediction {
  prediction: string | number;
  confidence: number;
  correct: boolean;
}

/** What the blind model reads of a question: never its scene. A benchmark question has these too (loop/debiased.ts). */
export type BlindInput = Pick<QA, 'family' | 'named' | 'options' | 'answer' | 'answerType'>;

interface ChoiceStats {
  offered: Map<string, number>;
  answered: Map<string, number>;
}

const optionText = (o: string): string => o.slice(3);
const letterIndex = (letter: string): number => letter.charCodeAt(0) - 65;

/** What the blind model may condition on: the family plus the named labels, never any geometry. */
function numericKey(qa: BlindInput): string {
  return `${qa.family}|${qa.named.map((n) => n.label).join('|')}`;
}

function choiceKey(qa: BlindInput, option: string): string {
  return `${qa.family}|${option}`;
}

function referenceKey(qa: BlindInput, option: string): string | undefined {
  // For relative distance the reference object (named first) is in the question; "closest to the bed" has priors.
  return qa.family === 'object_rel_distance' ? `${qa.family}|${qa.named[0]?.label}|${option}` : undefined;
}

export class BlindBaseline {
  private readonly numeric = new Map<string, number[]>();
  /** Median and concentration per numeric key, computed once after fitting (they do not depend on the QA). */
  private readonly summaries = new Map<string, { median: number; near: number; n: number }>();
  private readonly choice: ChoiceStats = { offered: new Map(), answered: new Map() };

  constructor(private readonly options: ShortcutOptions = DEFAULT_SHORTCUT) {}

  fit(samples: readonly BlindInput[]): this {
    this.summaries.clear();
    for (const qa of samples) {
      if (qa.answer === undefined) continue;
      if (qa.answerType === 'number' && typeof qa.answer === 'number') {
        for (const key of [numericKey(qa), qa.family]) {
          const list = this.numeric.get(key) ?? [];
          list.push(qa.answer);
          this.numeric.set(key, list);
        }
      } else if (qa.options && typeof qa.answer === 'string') {
        const correct = optionText(qa.options[letterIndex(qa.answer)] ?? '   ');
        // Plain loops, no per-option closures or key arrays: this runs for every option of every question.
        for (const option of qa.options) {
          const o = optionText(option);
          const hit = o === correct;
          this.count(choiceKey(qa, o), hit);
          const ref = referenceKey(qa, o);
          if (ref) this.count(ref, hit);
        }
      }
    }
    return this;
  }

  /**
   * The baseline fitted on every sample the parts were fitted on: counts add up and numeric answers pool (a
   * summary sorts them, so the order they pool in does not matter). Out-of-fold fitting then reads each sample
   * once instead of once for each fold it is not in.
   */
  static combine(parts: readonly BlindBaseline[], options: ShortcutOptions = DEFAULT_SHORTCUT): BlindBaseline {
    const out = new BlindBaseline(options);
    const add = (into: Map<string, number>, from: Map<string, number>) => {
      for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
    };
    for (const p of parts) {
      for (const [k, list] of p.numeric) {
        const mine = out.numeric.get(k);
        if (mine) mine.push(...list);
        else out.numeric.set(k, [...list]);
      }
      add(out.choice.offered, p.choice.offered);
      add(out.choice.answered, p.choice.answered);
    }
    return out;
  }

  private count(key: string, answered: boolean): void {
    this.choice.offered.set(key, (this.choice.offered.get(key) ?? 0) + 1);
    if (answered) this.choice.answered.set(key, (this.choice.answered.get(key) ?? 0) + 1);
  }

  /** Smoothed rate at which an offered option is the answer; undefined below the support needed. */
  private rate(key: string | undefined, prior: number): number | undefined {
    if (!key) return undefined;
    const offered = this.choice.offered.get(key) ?? 0;
    if (offered < this.options.minSupport) return undefined;
    return ((this.choice.answered.get(key) ?? 0) + prior) / (offered + 1);
  }

  private summary(key: string): { median: number; near: number; n: number } | undefined {
    let s = this.summaries.get(key);
    if (s) return s;
    const list = this.numeric.get(key);
    if (!list || list.length === 0) return undefined;
    const sorted = [...list].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const tol = this.options.numericTolerance;
    const near = sorted.filter((v) => Math.abs(v - median) <= tol * Math.max(Math.abs(v), 1e-9)).length / sorted.length;
    s = { median, near, n: sorted.length };
    this.summaries.set(key, s);
    return s;
  }

  predict(qa: BlindInput): BlindPrediction | undefined {
    if (qa.answer === undefined) return undefined;
    if (qa.answerType === 'number' && typeof qa.answer === 'number') {
      const own = this.summary(numericKey(qa));
      const prior = own && own.n >= this.options.minSupport ? own : this.summary(qa.family);
      if (!prior) return undefined;
      const { median, near } = prior;
      const tol = this.options.numericTolerance;
      const truth = qa.answer;
      const correct = truth !== 0 && Math.abs(median - truth) / Math.abs(truth) <= tol;
      return { prediction: median, confidence: near, correct };
    }
    if (!qa.options || typeof qa.answer !== 'string') return undefined;
    const uniform = 1 / qa.options.length;
    const scores: number[] = [];
    let total = 0;
    let best = 0;
    for (let i = 0; i < qa.options.length; i++) {
      const o = optionText(qa.options[i]!);
      const score = this.rate(referenceKey(qa, o), uniform) ?? this.rate(choiceKey(qa, o), uniform) ?? uniform;
      scores.push(score);
      total += score;
      if (score > scores[best]!) best = i;
    }
    const letter = String.fromCharCode(65 + best);
    return { prediction: letter, confidence: total > 0 ? scores[best]! / total : 0, correct: letter === qa.answer };
  }
}

/** The out-of-fold split by scene: every question of a scene is in the same fold. */
export function foldOf(sceneId: string, folds: number): number {
  return hashSeed(0, sceneId) % folds;
}

/**
 * Shortcut verdicts for executed QA (those with an answer), fitted out-of-fold by scene. With a single scene
 * there is nothing to fit on: the verdict passes and says so.
 */
export function shortcutVerdicts(qas: QA[], options: ShortcutOptions = DEFAULT_SHORTCUT): Map<QA, FilterVerdict> {
  const out = new Map<QA, FilterVerdict>();
  const executed = qas.filter((qa) => qa.answer !== undefined);
  const folds = Math.max(1, Math.min(options.folds, new Set(executed.map((q) => q.sceneId)).size));
  const foldBy = new Map<string, number>();
  const fold = (sceneId: string): number => {
    let f = foldBy.get(sceneId);
    if (f === undefined) foldBy.set(sceneId, (f = foldOf(sceneId, folds)));
    return f;
  };
  // Each fold's own statistics once; fold f's model pools every other fold's (the same counts and answers as
  // fitting on the out-of-fold samples directly).
  const parts = folds === 1 ? [] : Array.from({ length: folds }, (_, f) => new BlindBaseline(options).fit(executed.filter((qa) => fold(qa.sceneId) === f)));
  const models: BlindBaseline[] = [];
  for (let f = 0; f < folds; f++) {
    models.push(BlindBaseline.combine(parts.filter((_, g) => g !== f), options));
  }
  for (const qa of executed) {
    const p = models[fold(qa.sceneId)]!.predict(qa);
    if (!p) {
      out.set(qa, { filter: 'shortcut', passed: true, reason: 'no prior fitted for this question (too little data)' });
      continue;
    }
    const shortcut = p.correct && p.confidence >= options.maxConfidence;
    out.set(qa, {
      filter: 'shortcut',
      passed: !shortcut,
      value: p.confidence,
      reason: shortcut
        ? `answerable blind: question-only prior answers ${p.prediction} with confidence ${p.confidence.toFixed(2)}`
        : `blind prior ${p.correct ? 'right' : 'wrong'} (${p.prediction}) at confidence ${p.confidence.toFixed(2)}`,
    });
  }
  return out;
}
