/**
 * What every strategy shares: validation, momentum, the exploration floor, stats and reasons. A strategy only
 * proposes raw per-cell weights; keeping the rest here means strategies differ in exactly one respect and the
 * floor cannot be forgotten by a new one.
 */
import type { Family, Mix, MixEntry, MixKey } from '../../../shared/proposer.js';
import { canonicalCells, cellKey, compareCells, compareFamilies, familyBinKey, familiesOf, validateKey } from './cells.js';
import { resolveConfig } from './config.js';
import { applyExplorationFloor } from './floor.js';
import type { Shrunk } from './hierarchy.js';
import { describeTally, indexSamples, statsRows, type StatsIndex } from './stats.js';
import type { ControllerDecision, ControllerInput, DecisionStats } from './types.js';

export interface ProposeContext {
  input: ControllerInput;
  /** Canonical (deduplicated, sorted) cells; proposals are aligned with this list. */
  cells: MixKey[];
  index: StatsIndex;
}

export interface Proposal {
  /** Unnormalised weight ≥ 0 per cell of `ctx.cells`. */
  weights: number[];
  /**
   * What cells were ranked by (aligned with `ctx.cells`), and the same estimate per family×bin and family —
   * the number an unseen cell inherited; logged in the stats rows. null when the strategy ranks by nothing.
   */
  scores: Pick<Shrunk, 'cells' | 'familyBins' | 'families'> | null;
  /** Strategy-level lines for the reasons, first in the list. */
  summary: string[];
  /** Family → short note appended to the family's reason line. */
  familyNotes: Map<string, string>;
}

export const fmtWeight = (x: number): string => x.toFixed(3);
const fmtSmall = (x: number): string => (x === 0 ? '0' : x >= 0.001 ? x.toFixed(4) : x.toExponential(1));

export function decideWith(
  strategy: string,
  options: Record<string, number>,
  input: ControllerInput,
  propose: (ctx: ProposeContext) => Proposal,
): ControllerDecision {
  if (!Number.isInteger(input.round) || input.round < 0) {
    throw new RangeError(`round must be an integer ≥ 0, found ${String(input.round)}`);
  }
  const config = resolveConfig(input.config);
  const index = indexSamples(input.samples, input.thresholds);
  const cells = canonicalCells(input.cells);
  const previous = mergeMix(input.previous);
  const before: Mix = { entries: [...previous.values()].sort(compareCells) };

  let weights: number[] = [];
  let scores: Proposal['scores'] = null;
  const reasons: string[] = [];
  const notes = new Map<string, string>();
  let familyFloors = new Map<string, number>();
  let lifted = new Set<string>();

  if (cells.length === 0) {
    reasons.push('no cells can be generated: the mix is empty');
  } else {
    const proposal = propose({ input, cells, index });
    if (proposal.weights.length !== cells.length || proposal.weights.some((w) => !(w >= 0 && Number.isFinite(w)))) {
      // A strategy bug, not bad input: fail loudly rather than log a NaN mix.
      throw new Error(`strategy ${strategy} proposed invalid weights (need ${cells.length} finite values ≥ 0)`);
    }
    scores = proposal.scores;
    for (const [f, note] of proposal.familyNotes) notes.set(f, note);
    reasons.push(...proposal.summary);

    let raw = normalise(proposal.weights);
    if (!raw) {
      reasons.push('the strategy gave every cell weight 0: falling back to equal weights');
      raw = cells.map(() => 1 / cells.length);
    }

    const prev = cells.map((c) => previous.get(cellKey(c))?.weight ?? 0);
    const prevNorm = normalise(prev);
    let blended = raw;
    if (config.momentum > 0 && prevNorm) {
      const m = config.momentum;
      blended = raw.map((w, i) => m * prevNorm[i]! + (1 - m) * w);
      reasons.push(`momentum: new mix = ${m} × previous + ${round(1 - m)} × proposal`);
    } else if (config.momentum > 0) {
      reasons.push(
        input.previous.entries.length === 0
          ? 'momentum not applied: no previous mix (first round)'
          : 'momentum not applied: the previous mix has no weight on the cells generatable now',
      );
    }

    const floor = applyExplorationFloor(cells, blended, config.familyFloor, config.cellFloor);
    weights = floor.weights;
    familyFloors = floor.familyFloors;
    lifted = floor.lifted;
    const F = familyFloors.size;
    reasons.push(
      `floor: each of ${F} famil${F === 1 ? 'y' : 'ies'} keeps ≥ ${fmtSmall(config.familyFloor / F)} ` +
        `(ε ${config.familyFloor} / ${F}), each of ${cells.length} cells ≥ ${fmtSmall(floor.cellMinimum)}`,
    );
  }

  const after: Mix = { entries: cells.map((c, i) => ({ ...c, weight: weights[i]! })) };
  const seenCells = cells.filter((c) => (index.cells.get(cellKey(c))?.n ?? 0) > 0).length;
  reasons.push(`all: ${describeTally(index.total)}; ${seenCells} of ${cells.length} generatable cells have samples`);
  reasons.push(...familyReasons(index, cells, before, after, notes, familyFloors, lifted, input.previous.entries.length > 0));

  return {
    strategy,
    round: input.round,
    before,
    after,
    config,
    options: { ...options },
    stats: decisionStats(index, cells, before, after, scores),
    reasons,
  };
}

function familyReasons(
  index: StatsIndex,
  cells: readonly MixKey[],
  before: Mix,
  after: Mix,
  notes: Map<string, string>,
  floors: Map<string, number>,
  lifted: Set<string>,
  hadPrevious: boolean,
): string[] {
  const famBefore = sumBy(before.entries, (e) => e.family);
  const famAfter = sumBy(after.entries, (e) => e.family);
  const generatable = new Set(familiesOf(cells));
  const families = [...new Set([...generatable, ...index.families.keys()])].sort(compareFamilies);
  return families.map((f) => {
    const from = hadPrevious ? fmtWeight(famBefore.get(f) ?? 0) : '—';
    const to = generatable.has(f) ? fmtWeight(famAfter.get(f) ?? 0) : '0 (no cells to generate)';
    const note = notes.get(f);
    const floor = lifted.has(f) ? ` (raised to the exploration floor ${fmtSmall(floors.get(f) ?? 0)})` : '';
    return `${f}: ${describeTally(index.families.get(f))}${note ? `, ${note}` : ''} → weight ${from} → ${to}${floor}`;
  });
}

function decisionStats(
  index: StatsIndex,
  cells: readonly MixKey[],
  before: Mix,
  after: Mix,
  scores: Proposal['scores'],
): DecisionStats[] {
  const level = (e: MixKey, l: DecisionStats['level']): string =>
    l === 'cell' ? cellKey(e) : l === 'familyBin' ? familyBinKey(e.family, e.bin) : e.family;
  const sums = (m: Mix): Record<DecisionStats['level'], Map<string, number>> => ({
    cell: sumBy(m.entries, (e) => level(e, 'cell')),
    familyBin: sumBy(m.entries, (e) => level(e, 'familyBin')),
    family: sumBy(m.entries, (e) => level(e, 'family')),
  });
  const b = sums(before);
  const a = sums(after);
  const cellScores = new Map<string, number>(scores ? cells.map((c, i) => [cellKey(c), scores.cells[i]!]) : []);
  const scoreMaps: Record<DecisionStats['level'], Map<string, number>> = {
    cell: cellScores,
    familyBin: scores?.familyBins ?? new Map(),
    family: scores?.families ?? new Map(),
  };
  return statsRows(index, cells, false).map((row) => {
    const key =
      row.level === 'cell'
        ? cellKey({ sceneId: row.sceneId!, family: row.family, bin: row.bin! })
        : row.level === 'familyBin'
          ? familyBinKey(row.family, row.bin!)
          : row.family;
    const score = scoreMaps[row.level].get(key) ?? null;
    return { ...row, before: b[row.level].get(key) ?? 0, after: a[row.level].get(key) ?? 0, score };
  });
}

/** Previous entries by cell, duplicates summed; rejects weights that are not finite and ≥ 0. */
function mergeMix(mix: Mix): Map<string, MixEntry> {
  const out = new Map<string, MixEntry>();
  mix.entries.forEach((e, i) => {
    validateKey(e, `previous.entries[${i}]`);
    if (typeof e.weight !== 'number' || !(e.weight >= 0 && Number.isFinite(e.weight))) {
      throw new RangeError(`previous.entries[${i}]: weight must be a finite number ≥ 0, found ${String(e.weight)}`);
    }
    const key = cellKey(e);
    const seen = out.get(key);
    if (seen) seen.weight += e.weight;
    else out.set(key, { sceneId: e.sceneId, family: e.family as Family, bin: e.bin, weight: e.weight });
  });
  return out;
}

function sumBy<T extends { weight: number }>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + t.weight);
  return out;
}

/** x / Σx, or null when there is nothing to normalise. */
export function normalise(x: readonly number[]): number[] | null {
  const total = x.reduce((a, b) => a + b, 0);
  return total > 0 && Number.isFinite(total) ? x.map((v) => v / total) : null;
}

// 1 − 0.3 prints as 0.7, not 0.7000000000000001.
const round = (x: number): number => Math.round(x * 1e9) / 1e9;
