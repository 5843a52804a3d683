/**
 * The exploration floor, applied after every strategy. A controller that only chases the frontier starves
 * the families it has written off, and then can never see them regress (forgetting) or become learnable;
 * the floor keeps each one probed at a small, fixed rate.
 *
 * Rule: with F families and N cells in the mix, family f keeps at least
 *   max(familyFloor / F, cellFloor · n_f / N)
 * (the second term only so the family can fund its own cells' minimum), and every cell at least cellFloor / N.
 * Lifting a family or cell to its floor takes the mass proportionally from the ones above their floors, so
 * the strategy's ratios among those are kept.
 */
import type { MixKey } from '../../../shared/proposer.js';

/**
 * The closest-in-ratio distribution above `minimums`: w'_i = max(m_i, c·w_i) with c chosen so Σ w' = 1.
 * `weights` must be ≥ 0 with a positive sum; Σ minimums must be ≤ 1.
 */
export function liftToFloor(weights: readonly number[], minimums: readonly number[]): number[] {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const w = total > 0 ? weights.map((x) => x / total) : weights.map(() => 1 / n);
  const fixed = new Array<boolean>(n).fill(false);
  // Each pass only adds to `fixed` and lowers c, so this ends within n passes.
  let scale = 1;
  for (let pass = 0; pass <= n; pass++) {
    let free = 0;
    let reserved = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) reserved += minimums[i]!;
      else free += w[i]!;
    }
    if (free <= 0) break;
    scale = (1 - reserved) / free;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (!fixed[i] && scale * w[i]! < minimums[i]!) {
        fixed[i] = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
  if (fixed.every(Boolean)) {
    // Only reachable when the minimums alone fill the mix; they are then the answer, scaled to 1.
    const m = minimums.reduce((a, b) => a + b, 0);
    return minimums.map((x) => (m > 0 ? x / m : 1 / n));
  }
  return w.map((x, i) => (fixed[i] ? minimums[i]! : scale * x));
}

export interface FloorResult {
  weights: number[];
  /** Family → its floor, for every family in the cells. */
  familyFloors: Map<string, number>;
  /** Families the floor raised above what momentum + strategy gave them. */
  lifted: Set<string>;
  cellMinimum: number;
}

/** Applies the rule above to per-cell `weights` (aligned with `cells`); returns weights summing to 1. */
export function applyExplorationFloor(
  cells: readonly MixKey[],
  weights: readonly number[],
  familyFloor: number,
  cellFloor: number,
): FloorResult {
  const n = cells.length;
  const members = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const list = members.get(c.family);
    if (list) list.push(i);
    else members.set(c.family, [i]);
  });
  const families = [...members.keys()];
  const cellMinimum = n > 0 ? cellFloor / n : 0;
  const familyFloors = new Map<string, number>();
  for (const f of families) {
    familyFloors.set(f, Math.max(familyFloor / families.length, cellMinimum * members.get(f)!.length));
  }
  const out = new Array<number>(n).fill(0);
  if (n === 0) return { weights: out, familyFloors, lifted: new Set(), cellMinimum };

  const total = weights.reduce((a, b) => a + b, 0);
  const w = total > 0 ? weights.map((x) => x / total) : weights.map(() => 1 / n);
  const famWeights = families.map((f) => members.get(f)!.reduce((a, i) => a + w[i]!, 0));
  const famAfter = liftToFloor(
    famWeights,
    families.map((f) => familyFloors.get(f)!),
  );
  const lifted = new Set(families.filter((f, j) => famAfter[j]! > famWeights[j]! * (1 + 1e-9) + 1e-15));

  families.forEach((f, j) => {
    const idx = members.get(f)!;
    const budget = famAfter[j]!;
    // Within the family, the cell minimum is a share of the family's budget; the family floor above makes
    // sure the budget covers all its cells' minimums.
    const shares = liftToFloor(
      idx.map((i) => w[i]!),
      idx.map(() => (budget > 0 ? Math.min(1 / idx.length, cellMinimum / budget) : 0)),
    );
    idx.forEach((i, k) => {
      out[i] = budget * shares[k]!;
    });
  });
  const sum = out.reduce((a, b) => a + b, 0);
  return { weights: out.map((x) => x / sum), familyFloors, lifted, cellMinimum };
}
