/**
 * Turning a mix into next round's proposal counts. Systematic sampling (one uniform offset, `count` evenly
 * spaced points over the cumulative weights) gives every cell ⌊w·count⌋ or ⌈w·count⌉ proposals — plain
 * multinomial draws would leave a 2% family with 0 proposals in a 100-question round about 13% of the time,
 * defeating the exploration floor.
 */
import type { Mix, MixKey } from '../../../shared/proposer.js';
import type { Rng } from '../../../shared/random.js';
import { canonicalCells, cellKey, validateKey } from './cells.js';

export interface Allocation extends MixKey {
  count: number;
}

/** Proposals per cell, one row per distinct cell of `mix` in canonical order (zeros included); Σ count = count. */
export function allocateMix(mix: Mix, count: number, rng: Rng): Allocation[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0, found ${String(count)}`);
  const weights = new Map<string, number>();
  mix.entries.forEach((e, i) => {
    validateKey(e, `mix.entries[${i}]`);
    if (typeof e.weight !== 'number' || !(e.weight >= 0 && Number.isFinite(e.weight))) {
      throw new RangeError(`mix.entries[${i}]: weight must be a finite number ≥ 0, found ${String(e.weight)}`);
    }
    weights.set(cellKey(e), (weights.get(cellKey(e)) ?? 0) + e.weight);
  });
  // Sorting makes the allocation independent of the order entries were stored in.
  const cells = canonicalCells(mix.entries);
  const total = cells.reduce((a, c) => a + weights.get(cellKey(c))!, 0);
  if (count > 0 && !(total > 0)) throw new RangeError('cannot allocate proposals from a mix with no weight');

  // Drawn even when count is 0 so the rng advances the same way whatever the count.
  const u = rng.next();
  // Points at (j + u) / count, j = 0 … count − 1; below(X) counts those < X.
  const below = (x: number): number => Math.min(count, Math.max(0, Math.ceil(x * count - u)));
  let cumulative = 0;
  let taken = 0;
  return cells.map((c, i) => {
    cumulative += weights.get(cellKey(c))!;
    // The last boundary is exactly 1 so float drift cannot drop the final point.
    const upTo = i === cells.length - 1 ? count : below(cumulative / total);
    const n = upTo - taken;
    taken = upTo;
    return { ...c, count: n };
  });
}

/** One key per proposal (Σ = count), grouped by cell in canonical order; shuffle if order matters downstream. */
export function sampleFromMix(mix: Mix, count: number, rng: Rng): MixKey[] {
  return allocateMix(mix, count, rng).flatMap(({ sceneId, family, bin, count: n }) =>
    Array.from({ length: n }, () => ({ sceneId, family, bin })),
  );
}
