/**
 * The comparison view's logic: groups as chart series (mean and interval per round, against rounds trained or
 * samples seen), the table's round columns, and the sentence that states a paired difference.
 */
import type { GroupRoundStat, RoundDifference, RunGroup } from '../../../../shared/api.js';
import { differenceText } from '../../lib/verdict.js';
import type { IntervalPoint, IntervalSeries } from '../../lib/intervalChart.js';
import type { CompareAxis } from '../../state/compareStore.js';

export function roundName(round: number): string {
  return round < 0 ? 'start' : `round ${round}`;
}

/** x of a group's reading: rounds trained (the start is 0, after round 0 is 1) or mean samples seen. */
export function statPoint(stat: GroupRoundStat, axis: CompareAxis): IntervalPoint {
  const samples = `${Math.round(stat.samplesSeen).toLocaleString('en-US')} samples`;
  return {
    x: axis === 'round' ? stat.round + 1 : stat.samplesSeen,
    mean: stat.score.mean,
    lo: stat.score.lo,
    hi: stat.score.hi,
    n: stat.score.n,
    xLabel: stat.round < 0 ? 'start' : axis === 'round' ? `after round ${stat.round}` : `${samples} (round ${stat.round})`,
  };
}

export function groupSeries(groups: readonly RunGroup[], shown: readonly string[], axis: CompareAxis, colorOf: (key: string) => string): IntervalSeries[] {
  return groups
    .filter((g) => shown.includes(g.key))
    .map((g) => ({ id: g.key, name: g.title, color: colorOf(g.key), points: g.rounds.map((r) => statPoint(r, axis)) }));
}

/** Every round any group reached, ascending (−1, the start, first). */
export function roundColumns(groups: readonly RunGroup[]): number[] {
  return [...new Set(groups.flatMap((g) => g.rounds.map((r) => r.round)))].sort((a, b) => a - b);
}

/**
 * "After round 1, over 3 seeds: A − B = +4.0 [1.5, 6.5] better." The interval is always stated; "no difference"
 * says that it holds 0, so a positive mean inside the noise is not read as a win.
 */
export function differenceSentence(d: RoundDifference, a: string, b: string): string {
  const head = `${d.round < 0 ? 'At the start' : `After round ${d.round}`}, over ${d.pairs.length} seed${d.pairs.length === 1 ? '' : 's'} paired: ${a} − ${b} = ${differenceText(d.difference)}`;
  if (d.difference.verdict !== 'no difference') return `${head}.`;
  return d.difference.lo === null ? `${head} (one pair has no interval).` : `${head} (the 95% interval holds 0).`;
}
