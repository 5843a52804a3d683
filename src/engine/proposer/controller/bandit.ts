/**
 * Thompson sampling over cells, reward = "the question landed in the frontier bucket". Each cell's frontier
 * rate has a Beta posterior whose prior is its family×bin's smoothed rate worth `priorStrength` samples (so
 * arms share strength, see hierarchy.ts). One round generates many questions, so instead of one argmax we take
 * `draws` posterior draws and give each cell the share of draws it wins — batch probability matching. It
 * concentrates harder than the reference policy on the best-looking cells while still trying uncertain ones.
 * Draws come from createRng(seed) forked by round: reproducible, yet each round draws afresh.
 */
import { createRng, type Rng } from '../../../shared/random.js';
import { cellKey, familiesOf, familyBinKey } from './cells.js';
import { resolveOptions } from './config.js';
import { frontierCount, shrink } from './hierarchy.js';
import { decideWith } from './pipeline.js';
import type { ControllerStrategy, StrategyOptions } from './types.js';

export const BANDIT_OPTIONS = ['seed', 'draws', 'priorStrength', 'priorFrontier'] as const;

/** Gamma(shape, 1) by Marsaglia–Tsang; shape < 1 via the U^(1/shape) boost. */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  // Both can underflow to 0 for tiny shapes; the mean is the honest answer then.
  return x + y > 0 ? x / (x + y) : a / (a + b);
}

export function banditStrategy(options?: Partial<StrategyOptions>): ControllerStrategy {
  const opts = resolveOptions('bandit', options, BANDIT_OPTIONS);
  return {
    name: 'bandit',
    decide: (input) =>
      decideWith('bandit', opts, input, ({ cells, index }) => {
        const k = opts.priorStrength;
        const est = shrink(index, cells, frontierCount, k, opts.priorFrontier);
        const params = cells.map((c) => {
          const prior = est.familyBins.get(familyBinKey(c.family, c.bin)) ?? opts.priorFrontier;
          const t = index.cells.get(cellKey(c));
          const n = t?.n ?? 0;
          const f = t?.frontier ?? 0;
          return [f + k * prior, n - f + k * (1 - prior)] as const;
        });
        const rng = createRng(opts.seed).fork(`bandit/${input.round}`);
        const wins = new Array<number>(cells.length).fill(0);
        for (let d = 0; d < opts.draws; d++) {
          let best = 0;
          let bestTheta = -1;
          params.forEach(([a, b], i) => {
            const theta = sampleBeta(rng, a, b);
            if (theta > bestTheta) {
              best = i;
              bestTheta = theta;
            }
          });
          wins[best]!++;
        }
        const famWins = new Map<string, number>();
        cells.forEach((c, i) => famWins.set(c.family, (famWins.get(c.family) ?? 0) + wins[i]!));
        const familyNotes = new Map(
          familiesOf(cells).map((f) => [
            f,
            `posterior frontier share ${(est.families.get(f) ?? 0).toFixed(2)}, ` +
              `won ${Math.round((100 * (famWins.get(f) ?? 0)) / opts.draws)}% of draws`,
          ]),
        );
        return {
          weights: wins,
          scores: est,
          summary: [
            `bandit: Thompson sampling on frontier share, weight = share of ${opts.draws} posterior draws a cell wins ` +
              `(seed ${opts.seed}, round ${input.round}; prior ${k} pseudo-samples of the family×bin rate)`,
          ],
          familyNotes,
        };
      }),
  };
}
