import { describe, expect, it } from 'vitest';
import { applyExplorationFloor, liftToFloor } from '../../../../src/engine/proposer/controller/index.js';
import { A, B, C, grid } from './fixtures.js';

describe('liftToFloor', () => {
  it('lifts to the minimums and keeps ratios among the rest', () => {
    const w = liftToFloor([0.7, 0.2, 0.1, 0], [0.05, 0.05, 0.05, 0.05]);
    expect(w[3]).toBeCloseTo(0.05, 15);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(w[0]! / w[1]!).toBeCloseTo(3.5, 12);
    expect(w[2]! / w[1]!).toBeCloseTo(0.5, 12);
  });

  it('cascades when scaling pushes another entry below its minimum', () => {
    const w = liftToFloor([0.9, 0.06, 0.04], [0.1, 0.1, 0.1]);
    expect(w).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.1, 12), expect.closeTo(0.1, 12)]);
  });

  it('leaves a distribution above its floors alone', () => {
    expect(liftToFloor([0.5, 0.3, 0.2], [0.1, 0.1, 0.1])).toEqual([0.5, 0.3, 0.2]);
  });
});

describe('applyExplorationFloor', () => {
  it('guarantees family and cell minimums and funds a large family\'s cells', () => {
    // A has 10 cells, B and C one each; all weight on C.
    const cells = [...grid([A], Array.from({ length: 10 }, (_, i) => `s${i}`)), ...grid([B, C], ['s0'])];
    const weights = cells.map((c) => (c.family === C ? 1 : 0));
    const r = applyExplorationFloor(cells, weights, 0.3, 0.5);
    const fam = (f: string): number => cells.reduce((a, c, i) => a + (c.family === f ? r.weights[i]! : 0), 0);
    // A's floor is max(0.3/3, 0.5·10/12): its cells' minimums need more than the family floor.
    expect(fam(A)).toBeCloseTo(0.5 * 10 / 12, 12);
    expect(fam(B)).toBeCloseTo(0.1, 12);
    for (const w of r.weights) expect(w).toBeGreaterThanOrEqual(0.5 / 12 - 1e-12);
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect([...r.lifted].sort()).toEqual([A, B].sort());
  });
});
