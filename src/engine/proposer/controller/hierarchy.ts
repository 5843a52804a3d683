/**
 * Hierarchical shrinkage of a per-sample quantity (frontier indicator, confidence). Most cells — one scene ×
 * one family × one bin — see a handful of samples a round, so their raw rate is mostly noise; borrowing
 * `strength` pseudo-samples from the parent (all → family → family×bin → cell) gives a sparse cell its
 * family's rate, an unseen cell its parent's estimate instead of 0, and lets a well-sampled cell speak for itself.
 * Each level: estimate = (sum + strength · parentEstimate) / (n + strength), i.e. the posterior mean under a
 * Beta prior with mean = parent and strength pseudo-counts.
 */
import type { MixKey } from '../../../shared/proposer.js';
import { cellKey, familyBinKey } from './cells.js';
import type { StatsIndex, Tally } from './stats.js';

export interface Shrunk {
  /** Per input cell, same order. */
  cells: number[];
  familyBins: Map<string, number>;
  families: Map<string, number>;
  total: number;
}

/** `sumOf` picks the summed quantity out of a tally, e.g. frontier count or summed confidence. */
export function shrink(
  index: StatsIndex,
  cells: readonly MixKey[],
  sumOf: (t: Tally) => number,
  strength: number,
  prior: number,
  countOf: (t: Tally) => number = (t) => t.n,
): Shrunk {
  const step = (t: Tally | undefined, parent: number): number => {
    const n = t ? countOf(t) : 0;
    return n > 0 ? (sumOf(t!) + strength * parent) / (n + strength) : parent;
  };
  const total = step(index.total, prior);
  const families = new Map<string, number>();
  const familyBins = new Map<string, number>();
  const out = cells.map((c) => {
    let fam = families.get(c.family);
    if (fam === undefined) families.set(c.family, (fam = step(index.families.get(c.family), total)));
    const fbKey = familyBinKey(c.family, c.bin);
    let fb = familyBins.get(fbKey);
    if (fb === undefined) familyBins.set(fbKey, (fb = step(index.familyBins.get(fbKey), fam)));
    return step(index.cells.get(cellKey(c)), fb);
  });
  return { cells: out, familyBins, families, total };
}

export const frontierCount = (t: Tally): number => t.frontier;
export const confidenceSum = (t: Tally): number => t.sumConfidence;
export const scoreSum = (t: Tally): number => t.sumScore;
export const scoreCount = (t: Tally): number => t.scored;
