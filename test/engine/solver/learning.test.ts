/**
 * The solver learns spatial skills from observations alone. Counting needs de-duplicating one label's
 * detections across frames (each object is seen from two or three headings); left/right needs the lifted
 * positions of three named objects and the sign of a floor-plane cross product. Both are trained together in
 * one model, as the loop would, and judged on held-out scenes.
 */
import { describe, expect, it } from 'vitest';
import type { SolverSample } from '../../../src/engine/solver/features.js';
import { Solver } from '../../../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../../../src/engine/solver/synthetic.js';
import { createRng, type Rng } from '../../../src/shared/random.js';

function mixed(n: number, rng: Rng): SolverSample[] {
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? toyCountingSample(rng) : toyDirectionSample(rng)));
}

function accuracyByFamily(samples: readonly SolverSample[], predictions: readonly { prediction: string | number }[]): Record<string, number> {
  const tally: Record<string, [number, number]> = {};
  samples.forEach((s, i) => {
    const t = (tally[s.qa.family] ??= [0, 0]);
    t[1]++;
    if (predictions[i]!.prediction === s.qa.answer) t[0]++;
  });
  return Object.fromEntries(Object.entries(tally).map(([f, [right, all]]) => [f, right / all]));
}

describe('solver learning', () => {
  it('learns counting (chance 1/4) and left/right (chance 1/2) well above chance on held-out scenes', async () => {
    const train = mixed(1024, createRng(101));
    const held = mixed(256, createRng(202));
    const solver = await Solver.create(
      { model: { dModel: 32, heads: 2, layers: 2, mlpHidden: 64, maxQuestionTokens: 48, maxDetections: 48 } },
      7,
      { threads: 1, log: () => undefined },
    );
    try {
      const before = accuracyByFamily(held, await solver.predict(held));
      const heldConfidenceBefore = (await solver.score(held)).reduce((a, b) => a + b, 0) / held.length;
      const losses: number[] = [];
      for (let round = 0; round < 4; round++) losses.push(...(await solver.train(train, { steps: 100, batch: 32, lr: 3e-3 })).losses);
      const after = accuracyByFamily(held, await solver.predict(held));
      const heldConfidenceAfter = (await solver.score(held)).reduce((a, b) => a + b, 0) / held.length;

      expect(before.object_counting!).toBeLessThan(0.45);
      expect(before.object_rel_direction_easy!).toBeLessThan(0.65);
      expect(after.object_counting!).toBeGreaterThan(0.6);
      expect(after.object_rel_direction_easy!).toBeGreaterThan(0.8);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 20)));
      expect(heldConfidenceAfter).toBeGreaterThan(2 * heldConfidenceBefore);
    } finally {
      await solver.dispose();
    }
  }, 180_000);
});
