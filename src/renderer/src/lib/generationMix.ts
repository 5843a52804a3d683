/**
 * The controller's generation mix over rounds: every decision's `weightsAfter` summed per family (the mix
 * the next round was generated with), plus the first decision's `weightsBefore` as the starting mix, with the
 * decision's reason attached for hover. The curves store builds it from a run's decisions; the mix chart lays
 * it out (views/curves/mix.ts).
 */
import type { ControllerDecisionRecord } from '../../../shared/records.js';
import type { Mix } from '../../../shared/proposer.js';
import { sortFamilies } from './families.js';

export interface MixColumn {
  /** The round this mix generated. */
  round: number;
  /** Share per family, summing to 1 (empty mix: all zero). */
  shares: Record<string, number>;
  reason: string;
  strategy: string;
}

export interface MixOverRounds {
  families: string[];
  columns: MixColumn[];
}

export function mixByFamily(mix: Mix): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const e of mix.entries) {
    if (!Number.isFinite(e.weight) || e.weight <= 0) continue;
    out[e.family] = (out[e.family] ?? 0) + e.weight;
    total += e.weight;
  }
  if (total > 0) for (const k of Object.keys(out)) out[k] = out[k]! / total;
  return out;
}

export function mixOverRounds(decisions: readonly ControllerDecisionRecord[]): MixOverRounds {
  const sorted = [...decisions].sort((a, b) => a.round - b.round || a.createdAt - b.createdAt);
  const columns = new Map<number, MixColumn>();
  const first = sorted[0];
  if (first && first.weightsBefore.entries.length > 0) {
    columns.set(first.round, {
      round: first.round,
      shares: mixByFamily(first.weightsBefore),
      reason: 'starting mix (before the first decision)',
      strategy: first.strategy,
    });
  }
  for (const d of sorted) {
    // The weights set after reading round i generate round i + 1; a later decision for the same
    // round replaces an earlier one.
    columns.set(d.round + 1, { round: d.round + 1, shares: mixByFamily(d.weightsAfter), reason: d.reason, strategy: d.strategy });
  }
  const cols = [...columns.values()].sort((a, b) => a.round - b.round);
  const families = sortFamilies(cols.flatMap((c) => Object.keys(c.shares)));
  return { families, columns: cols };
}
