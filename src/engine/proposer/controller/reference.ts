/**
 * The reference policy: steer generation towards the frontier. A cell's weight is proportional to its
 * smoothed frontier share, so cells the solver finds easy (nothing to learn) or hard (no signal to learn
 * from) fade, and frontier-like cells grow. Smoothing is hierarchical (see hierarchy.ts): an unseen cell gets
 * its family×bin's estimate — or, failing that, its family's, the pool's, and finally `priorFrontier` — so
 * it is tried rather than given 0.
 */
import { resolveOptions } from './config.js';
import { familiesOf } from './cells.js';
import { frontierCount, shrink } from './hierarchy.js';
import { decideWith } from './pipeline.js';
import type { ControllerStrategy, StrategyOptions } from './types.js';

export const REFERENCE_OPTIONS = ['priorStrength', 'priorFrontier'] as const;

export function referenceStrategy(options?: Partial<StrategyOptions>): ControllerStrategy {
  const opts = resolveOptions('reference', options, REFERENCE_OPTIONS);
  return {
    name: 'reference',
    decide: (input) =>
      decideWith('reference', opts, input, ({ cells, index }) => {
        const est = shrink(index, cells, frontierCount, opts.priorStrength, opts.priorFrontier);
        const familyNotes = new Map(
          familiesOf(cells).map((f) => [f, `smoothed frontier share ${(est.families.get(f) ?? 0).toFixed(2)}`]),
        );
        return {
          weights: est.cells,
          scores: est,
          summary: [
            `reference: weight ∝ smoothed frontier share (prior ${opts.priorFrontier}, ` +
              `${opts.priorStrength} pseudo-samples borrowed from each parent: all → family → family×bin → cell)`,
          ],
          familyNotes,
        };
      }),
  };
}
