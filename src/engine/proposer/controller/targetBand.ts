/**
 * Aim at a confidence band rather than at bucket counts: weight = 1 while a cell's smoothed mean confidence
 * lies within center ± halfWidth, falling off as a Gaussian (σ) outside it. Unlike the reference policy it
 * sees how far from the band a cell is — a cell at 0.85 is nearly there, one at 0.99 is not — at the cost of
 * ignoring spread (a cell split between 0.05 and 0.95 looks centred).
 * Means are shrunk like the reference policy's shares, with the band centre as the prior so unseen cells
 * score as in-band and get tried.
 */
import { resolveOptions } from './config.js';
import { familiesOf } from './cells.js';
import { confidenceSum, shrink } from './hierarchy.js';
import { decideWith } from './pipeline.js';
import type { ControllerStrategy, StrategyOptions } from './types.js';

export const TARGET_BAND_OPTIONS = ['center', 'halfWidth', 'sigma', 'priorStrength'] as const;

export function bandCloseness(mean: number, center: number, halfWidth: number, sigma: number): number {
  const d = Math.max(0, Math.abs(mean - center) - halfWidth);
  return Math.exp(-(d * d) / (2 * sigma * sigma));
}

export function targetBandStrategy(options?: Partial<StrategyOptions>): ControllerStrategy {
  const opts = resolveOptions('target-band', options, TARGET_BAND_OPTIONS);
  const close = (m: number): number => bandCloseness(m, opts.center, opts.halfWidth, opts.sigma);
  const lo = Math.max(0, opts.center - opts.halfWidth).toFixed(2);
  const hi = Math.min(1, opts.center + opts.halfWidth).toFixed(2);
  return {
    name: 'target-band',
    decide: (input) =>
      decideWith('target-band', opts, input, ({ cells, index }) => {
        const est = shrink(index, cells, confidenceSum, opts.priorStrength, opts.center);
        const familyNotes = new Map(
          familiesOf(cells).map((f) => {
            const m = est.families.get(f) ?? opts.center;
            return [f, `smoothed mean confidence ${m.toFixed(2)} (closeness ${close(m).toFixed(2)})`];
          }),
        );
        return {
          weights: est.cells.map(close),
          scores: est,
          summary: [
            `target-band: weight ∝ closeness of smoothed mean confidence to [${lo}, ${hi}] ` +
              `(Gaussian σ ${opts.sigma} outside; ${opts.priorStrength} pseudo-samples per parent)`,
          ],
          familyNotes,
        };
      }),
  };
}
