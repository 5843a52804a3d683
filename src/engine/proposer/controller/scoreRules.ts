/**
 * Strategies that steer the mix by a per-sample selection score instead of bucket counts: a cell's weight is
 * its smoothed mean score, clipped at 0. The score is computed by the loop from the solver's answer
 * (learnability: p̂(1 − p̂); reducible loss: the solver's loss minus an irreducible-loss model's) and arrives on
 * each ConfidenceSample, so the rule that picks which accepted questions are trained on and the rule that
 * steers what is generated next are one and the same.
 *
 * - learnability: p̂(1 − p̂) peaks at p̂ = ½ and vanishes for questions always answered right or always wrong
 *   (LILO; DAPO's dynamic sampling drops all-right/all-wrong prompts; R-Zero targets p ≈ ½).
 * - reducible-loss: RHO-LOSS (Mindermann et al., ICML 2022): high where the model's loss exceeds what a model
 *   trained on held-out data of the target still pays — learnable, worth learning and not yet learnt; the
 *   unlearnable (both losses high) and the learnt (both low) score near 0.
 * Smoothing is the reference policy's (hierarchy.ts); an unseen cell inherits its family×bin's mean score.
 */
import { resolveOptions } from './config.js';
import { familiesOf } from './cells.js';
import { scoreCount, scoreSum, shrink } from './hierarchy.js';
import { decideWith } from './pipeline.js';
import type { ControllerStrategy, StrategyOptions } from './types.js';

export const SCORE_RULE_OPTIONS = ['priorStrength', 'balanceFamilies'] as const;

const DESCRIPTIONS = {
  learnability: 'mean learnability p̂(1 − p̂) (p̂: probability of answering right)',
  'reducible-loss': 'mean reducible loss (solver loss − irreducible-loss model loss, RHO-LOSS)',
} as const;

export type ScoreRule = keyof typeof DESCRIPTIONS;

export function scoreRuleStrategy(rule: ScoreRule, options?: Partial<StrategyOptions>): ControllerStrategy {
  const opts = resolveOptions(rule, options, SCORE_RULE_OPTIONS);
  return {
    name: rule,
    decide: (input) =>
      decideWith(rule, opts, input, ({ cells, index }) => {
        if (index.total.scored === 0) {
          return {
            weights: cells.map(() => 1),
            scores: null,
            summary: [`${rule}: no sample carries a score, so every cell weighs the same`],
            familyNotes: new Map(),
          };
        }
        // The pooled mean is the prior of the pooled level itself, so it is exactly the pooled mean.
        const pooled = index.total.sumScore / index.total.scored;
        const est = shrink(index, cells, scoreSum, opts.priorStrength, pooled, scoreCount);
        const familyNotes = new Map(familiesOf(cells).map((f) => [f, `smoothed ${rule} ${(est.families.get(f) ?? 0).toFixed(3)}`]));
        // A negative mean reducible loss means the cell is already learnt better than the reference: nothing to gain.
        let weights = est.cells.map((w) => Math.max(0, w));
        if (opts.balanceFamilies === 1) weights = balancedByFamily(cells, weights);
        return {
          weights,
          scores: est,
          summary: [
            `${rule}: weight ∝ smoothed ${DESCRIPTIONS[rule]}, clipped at 0 (${opts.priorStrength} pseudo-samples borrowed from each parent)` +
              (opts.balanceFamilies === 1 ? '; every family keeps an equal share, the score moves weight within a family' : ''),
          ],
          familyNotes,
        };
      }),
  };
}

/**
 * Each family's cells share 1/F of the mass in proportion to their weights (equally when all are 0): scores of
 * different families are on different scales (a measurement's expected MRA sits near ½ far more often than a
 * two-option choice's P(right)), so letting them compete hands most samples to whichever family scores high.
 */
export function balancedByFamily(cells: readonly { family: string }[], weights: readonly number[]): number[] {
  const totals = new Map<string, { sum: number; n: number }>();
  cells.forEach((c, i) => {
    const t = totals.get(c.family) ?? { sum: 0, n: 0 };
    t.sum += weights[i]!;
    t.n++;
    totals.set(c.family, t);
  });
  const share = 1 / Math.max(1, totals.size);
  return cells.map((c, i) => {
    const t = totals.get(c.family)!;
    return t.sum > 0 ? (share * weights[i]!) / t.sum : share / t.n;
  });
}
