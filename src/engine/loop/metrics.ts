/**
 * The loop's figures in the metrics table: their names (stages.ts writes them) and reading them back, for the
 * per-round table, the experiment's curves and the workbench. The loop records, per round, `score` rows (family
 * null = the overall VSI-Bench score, one row per family besides) on the held-out benchmark set, and a
 * `samples_seen` row (family null) counting the training samples seen so far. A run evaluated on more than one
 * benchmark set shows the set that carries the first overall score, so one curve never mixes two sets.
 */
import type { CurvePoint, RoundFigures } from '../../shared/api.js';
import type { FamilyScoreRow, HeldoutScore, RoundSummary, ProposerRoundStats } from '../../shared/loop.js';
import type { RoundRecord, MetricRecord } from '../../shared/records.js';
import { listRounds, listMetrics, meanTrainingLoss, meanTrainingLossByRound, proposerStats, type Store } from '../store/index.js';

export const SCORE_METRIC = 'score';
/** The untrained model's score on the same benchmark, recorded with round 0. */
export const BASE_SCORE_METRIC = 'base_score';
export const SAMPLES_SEEN_METRIC = 'samples_seen';
export const TRAINED_SAMPLES_METRIC = 'trained_samples';
/** Bounds of a score's 95% bootstrap interval: `<score metric>_ci_lo` / `_ci_hi`, family null. */
export const intervalMetrics = (metric: string): { lo: string; hi: string } => ({ lo: `${metric}_ci_lo`, hi: `${metric}_ci_hi` });

/** A score's rows as the metrics table holds them, minus run, round and set: overall, each family, the interval's bounds. */
export type ScoreFigure = Pick<MetricRecord, 'family' | 'metric' | 'value' | 'n'>;

export function scoreFigures(metric: string, score: HeldoutScore): ScoreFigure[] {
  const n = score.families.reduce((a, f) => a + f.n, 0);
  const names = intervalMetrics(metric);
  return [
    { family: null, metric, value: score.overall, n },
    ...score.families.map((f) => ({ family: f.family, metric, value: f.score, n: f.n })),
    ...(score.interval
      ? [
          { family: null, metric: names.lo, value: score.interval.lo, n },
          { family: null, metric: names.hi, value: score.interval.hi, n },
        ]
      : []),
  ];
}

/** The benchmark set whose scores represent the run, or undefined before any evaluation. */
export function headlineSet(metrics: readonly MetricRecord[]): string | undefined {
  return metrics.find((m) => (m.metric === SCORE_METRIC || m.metric === BASE_SCORE_METRIC) && m.family === null)?.benchmarkSetId;
}

/** Held-out scores (`metric`, default `score`) per round, ascending, from one benchmark set. */
export function heldoutByRound(metrics: readonly MetricRecord[], metric = SCORE_METRIC): Map<number, HeldoutScore> {
  const set = headlineSet(metrics);
  const out = new Map<number, HeldoutScore>();
  if (set === undefined) return out;
  const rows = metrics.filter((m) => m.metric === metric && m.benchmarkSetId === set);
  const families = new Map<number, FamilyScoreRow[]>();
  for (const m of rows) {
    if (m.family === null) continue;
    const list = families.get(m.round) ?? [];
    list.push({ family: m.family, score: m.value, n: m.n });
    families.set(m.round, list);
  }
  const names = intervalMetrics(metric);
  const bound = (name: string): Map<number, number> =>
    new Map(metrics.filter((m) => m.metric === name && m.family === null && m.benchmarkSetId === set).map((m) => [m.round, m.value]));
  const lo = bound(names.lo);
  const hi = bound(names.hi);
  for (const m of rows) {
    if (m.family !== null) continue;
    const l = lo.get(m.round);
    const h = hi.get(m.round);
    out.set(m.round, { overall: m.value, families: families.get(m.round) ?? [], ...(l !== undefined && h !== undefined ? { interval: { lo: l, hi: h } } : {}) });
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** A figure recorded once per round with family null (e.g. samples seen), by round. */
export function overallMetric(metrics: readonly MetricRecord[], metric: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of metrics) if (m.metric === metric && m.family === null && !out.has(m.round)) out.set(m.round, m.value);
  return out;
}

/**
 * Held-out score against training samples seen, one point per evaluated round, after the untrained model's
 * score at 0 samples (round −1). A run whose loop did not record `samples_seen` falls back to the
 * round index.
 */
export function curvePoints(metrics: readonly MetricRecord[]): CurvePoint[] {
  const seen = overallMetric(metrics, SAMPLES_SEEN_METRIC);
  const point = (round: number, samplesSeen: number, h: HeldoutScore): CurvePoint => ({
    samplesSeen,
    round,
    overall: h.overall,
    families: Object.fromEntries(h.families.map((f) => [f.family, f.score])),
  });
  const base = [...heldoutByRound(metrics, BASE_SCORE_METRIC).values()][0];
  return [
    ...(base ? [point(-1, 0, base)] : []),
    ...[...heldoutByRound(metrics)].map(([round, h]) => point(round, seen.get(round) ?? round, h)),
  ];
}

/**
 * A round's row of the per-round table, from what the store holds: what the loop's `round` event
 * carries, and what the workbench rebuilds for runs another process executes. Samples seen come from the
 * `samples_seen` metric when the loop recorded it; otherwise accepted samples are counted as trained.
 */
export function summarizeRound(store: Store, runId: string, round: RoundRecord): RoundSummary {
  const metrics = listMetrics(store, { runId, round: round.round });
  const seenSoFar = overallMetric(metrics, SAMPLES_SEEN_METRIC).get(round.round);
  const trained = overallMetric(metrics, TRAINED_SAMPLES_METRIC).get(round.round) ?? round.counts.accepted;
  let samplesSeen = seenSoFar;
  if (samplesSeen === undefined) {
    const earlier = listRounds(store, runId).filter((i) => i.round < round.round);
    samplesSeen = earlier.reduce((n, i) => n + i.counts.accepted, 0) + trained;
  }
  const meanLoss = meanTrainingLoss(store, runId, round.round);
  const heldout = heldoutByRound(metrics).get(round.round) ?? null;
  const ms = round.activeMs ?? 0;
  const proposers = proposerStats(store, runId, round.round);
  return { round: round.round, counts: round.counts, trainedSamples: trained, samplesSeen, meanLoss, heldout, ms, ...(proposers.length > 0 ? { proposers } : {}) };
}

/**
 * Samples seen and mean loss of every stored round of a run, as `summarizeRound` makes them for the round's
 * `round` event, from four queries whatever the number of rounds: the rounds table of a run the workbench did not
 * watch live (or watched before a reload) shows what a live viewer saw. Samples seen is known once a round is
 * evaluated; the loss once it trained.
 */
export function roundFigures(store: Store, runId: string, rounds: readonly RoundRecord[] = listRounds(store, runId)): RoundFigures[] {
  const metrics = listMetrics(store, { runId, family: null });
  const seen = overallMetric(metrics, SAMPLES_SEEN_METRIC);
  const trained = overallMetric(metrics, TRAINED_SAMPLES_METRIC);
  const losses = meanTrainingLossByRound(store, runId);
  let acceptedBefore = 0;
  return [...rounds]
    .sort((a, b) => a.round - b.round)
    .map((it) => {
      // The same fallback as summarizeRound for runs stored before `samples_seen` was recorded.
      const samplesSeen = seen.get(it.round) ?? (it.status === 'completed' ? acceptedBefore + (trained.get(it.round) ?? it.counts.accepted) : null);
      acceptedBefore += it.counts.accepted;
      return { round: it.round, samplesSeen, meanLoss: losses.get(it.round) ?? null };
    });
}

/**
 * "llm: 12 of 40 accepted (30%; programmatic 55%); rejected by program 10, agreement 8 — most often: …": a
 * round's line about the generative proposer; '' when every draft was programmatic.
 */
export function proposerSummaryText(proposers: readonly ProposerRoundStats[] | undefined): string {
  const list = proposers ?? [];
  if (list.every((p) => p.proposer === 'programmatic')) return '';
  const rate = (p: ProposerRoundStats): string => (p.proposed > 0 ? `${Math.round((100 * p.accepted) / p.proposed)}%` : '—');
  return list
    .filter((p) => p.proposer !== 'programmatic')
    .map((p) => {
      const others = list.filter((o) => o !== p).map((o) => `${o.proposer} ${rate(o)}`);
      const rejected = Object.entries(p.rejectedBy).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
      const top = p.reasons[0];
      return (
        `${p.proposer} proposer: ${p.accepted} of ${p.proposed} accepted (${rate(p)}${others.length > 0 ? `; ${others.join(', ')}` : ''})` +
        (rejected.length > 0 ? `; rejected by ${rejected.join(', ')}` : '') +
        (top ? `; most often: ${top.reason.length > 100 ? `${top.reason.slice(0, 100)}…` : top.reason} (${top.n}×)` : '')
      );
    })
    .join('\n');
}
