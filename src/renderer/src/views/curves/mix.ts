/**
 * The controller's generation mix over iterations: every decision's `weightsAfter` summed per family (the mix
 * the next round was generated with), plus the first decision's `weightsBefore` as the starting mix, laid out
 * as stacked bars with the decision's reason attached for hover.
 */
import type { ControllerDecisionRecord } from '../../../../shared/records.js';
import type { Mix } from '../../../../shared/proposer.js';
import { sortFamilies } from '../runs/runTable.js';

export interface MixColumn {
  /** The iteration this mix generated. */
  iteration: number;
  /** Share per family, summing to 1 (empty mix: all zero). */
  shares: Record<string, number>;
  reason: string;
  strategy: string;
}

export interface MixOverIterations {
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

export function mixOverIterations(decisions: readonly ControllerDecisionRecord[]): MixOverIterations {
  const sorted = [...decisions].sort((a, b) => a.iteration - b.iteration || a.createdAt - b.createdAt);
  const columns = new Map<number, MixColumn>();
  const first = sorted[0];
  if (first && first.weightsBefore.entries.length > 0) {
    columns.set(first.iteration, {
      iteration: first.iteration,
      shares: mixByFamily(first.weightsBefore),
      reason: 'starting mix (before the first decision)',
      strategy: first.strategy,
    });
  }
  for (const d of sorted) {
    // The weights set after reading iteration i generate iteration i + 1; a later decision for the same
    // iteration replaces an earlier one.
    columns.set(d.iteration + 1, { iteration: d.iteration + 1, shares: mixByFamily(d.weightsAfter), reason: d.reason, strategy: d.strategy });
  }
  const cols = [...columns.values()].sort((a, b) => a.iteration - b.iteration);
  const families = sortFamilies(cols.flatMap((c) => Object.keys(c.shares)));
  return { families, columns: cols };
}

export interface MixRect {
  key: string;
  family: string;
  iteration: number;
  share: number;
  x: number;
  y: number;
  w: number;
  h: number;
  reason: string;
}

/** Stacked bars: one column per iteration, families stacked bottom-up in `families` order. */
export function stackLayout(mix: MixOverIterations, width: number, height: number, gap = 2): { rects: MixRect[]; colW: number } {
  const n = mix.columns.length;
  const colW = n > 0 ? width / n : width;
  const rects: MixRect[] = [];
  mix.columns.forEach((c, i) => {
    let y = height;
    for (const f of mix.families) {
      const share = c.shares[f] ?? 0;
      if (share <= 0) continue;
      const h = share * height;
      y -= h;
      rects.push({ key: `${c.iteration}\u0000${f}`, family: f, iteration: c.iteration, share, x: i * colW + gap / 2, y, w: Math.max(1, colW - gap), h, reason: c.reason });
    }
  });
  return { rects, colW };
}
