/**
 * Sample statistics at three levels — cell, family×bin, family — plus the pooled total. Strategies need the
 * upper levels to shrink sparse cells towards; the UI needs them to show a family at a glance.
 */
import { bucketOf, type BucketThresholds, type ConfidenceSample, type Family, type MixKey } from '../../../shared/proposer.js';
import { canonicalCells, cellKey, compareFamilies, familyBinKey, validateKey } from './cells.js';
import { validateThresholds } from './config.js';
import type { CellStats } from './types.js';

/** Running sums; kept separate from CellStats so means are computed once, from sums, in one place. */
export interface Tally {
  n: number;
  easy: number;
  frontier: number;
  hard: number;
  sumConfidence: number;
  /** Samples that carry a rule's per-sample score, and the scores' sum (learnability, reducible loss). */
  scored: number;
  sumScore: number;
  judged: number;
  correct: number;
}

export const emptyTally = (): Tally => ({ n: 0, easy: 0, frontier: 0, hard: 0, sumConfidence: 0, scored: 0, sumScore: 0, judged: 0, correct: 0 });

export interface StatsIndex {
  cells: Map<string, Tally>;
  familyBins: Map<string, Tally>;
  families: Map<string, Tally>;
  total: Tally;
}

/** Sums and lookups in one pass. Throws on a confidence outside [0, 1]: it would poison every mean above it. */
export function indexSamples(samples: readonly ConfidenceSample[], thresholds: BucketThresholds): StatsIndex {
  validateThresholds(thresholds);
  const index: StatsIndex = { cells: new Map(), familyBins: new Map(), families: new Map(), total: emptyTally() };
  const at = (map: Map<string, Tally>, key: string): Tally => {
    let t = map.get(key);
    if (!t) map.set(key, (t = emptyTally()));
    return t;
  };
  samples.forEach((s, i) => {
    validateKey(s, `samples[${i}]`);
    if (typeof s.confidence !== 'number' || !(s.confidence >= 0 && s.confidence <= 1)) {
      throw new RangeError(`samples[${i}] (${cellKey(s)}): confidence must be in [0, 1], found ${String(s.confidence)}`);
    }
    const bucket = bucketOf(s.confidence, thresholds);
    for (const t of [
      at(index.cells, cellKey(s)),
      at(index.familyBins, familyBinKey(s.family, s.bin)),
      at(index.families, s.family),
      index.total,
    ]) {
      t.n++;
      t[bucket]++;
      t.sumConfidence += s.confidence;
      if (typeof s.score === 'number' && Number.isFinite(s.score)) {
        t.scored++;
        t.sumScore += s.score;
      }
      if (typeof s.correct === 'boolean') {
        t.judged++;
        if (s.correct) t.correct++;
      }
    }
  });
  return index;
}

export function statsOf(t: Tally, level: CellStats['level'], family: Family, sceneId: string | null, bin: number | null): CellStats {
  const share = (k: number): number => (t.n > 0 ? k / t.n : 0);
  return {
    level,
    sceneId,
    family,
    bin,
    n: t.n,
    meanConfidence: t.n > 0 ? t.sumConfidence / t.n : null,
    counts: { easy: t.easy, frontier: t.frontier, hard: t.hard },
    shares: { easy: share(t.easy), frontier: share(t.frontier), hard: share(t.hard) },
    judged: t.judged,
    accuracy: t.judged > 0 ? t.correct / t.judged : null,
  };
}

/**
 * Family and family×bin rows over every cell that has samples or is listed in `cells`; cell rows for the same
 * cells, or only for sampled ones when `unseenCells` is false (a decision over thousands of mostly unseen
 * cells would otherwise log thousands of empty rows). Order: family rows, family×bin rows, cell rows, each
 * canonical.
 */
export function statsRows(index: StatsIndex, cells: readonly MixKey[], unseenCells = true): CellStats[] {
  const keys = new Map<string, MixKey>();
  for (const c of cells) keys.set(cellKey(c), c);
  for (const key of index.cells.keys()) {
    if (!keys.has(key)) {
      const [sceneId, family, bin] = JSON.parse(key) as [string, Family, number];
      keys.set(key, { sceneId, family, bin });
    }
  }
  const cellList = canonicalCells([...keys.values()]);
  const fams = [...new Set(cellList.map((c) => c.family))].sort(compareFamilies);
  const bins = new Map<string, MixKey>();
  for (const c of cellList) bins.set(familyBinKey(c.family, c.bin), c);
  return [
    ...fams.map((f) => statsOf(index.families.get(f) ?? emptyTally(), 'family', f, null, null)),
    ...[...bins.values()].map((c) =>
      statsOf(index.familyBins.get(familyBinKey(c.family, c.bin)) ?? emptyTally(), 'familyBin', c.family, null, c.bin),
    ),
    ...cellList.flatMap((c) => {
      const t = index.cells.get(cellKey(c));
      return t || unseenCells ? [statsOf(t ?? emptyTally(), 'cell', c.family, c.sceneId, c.bin)] : [];
    }),
  ];
}

/** Per-cell, per-family×bin and per-family statistics of `samples`; `cells` adds n = 0 rows for unseen cells. */
export function aggregate(
  samples: readonly ConfidenceSample[],
  thresholds: BucketThresholds,
  cells: readonly MixKey[] = [],
): CellStats[] {
  return statsRows(indexSamples(samples, thresholds), canonicalCells(cells));
}

/** "71% easy / 20% frontier / 9% hard of 120", or "no samples". */
export function describeTally(t: Tally | undefined): string {
  if (!t || t.n === 0) return 'no samples';
  const pct = (k: number): string => `${Math.round((100 * k) / t.n)}%`;
  return `${pct(t.easy)} easy / ${pct(t.frontier)} frontier / ${pct(t.hard)} hard of ${t.n}`;
}
