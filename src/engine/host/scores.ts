/**
 * Reading the loop's figures back from the metrics table. The loop records, per iteration, `score` rows (family
 * null = the overall VSI-Bench score, one row per family besides) on the held-out benchmark set, and a
 * `samples_seen` row (family null) counting the training samples seen so far. A run evaluated on more than one
 * benchmark set shows the set that carries the first overall score, so one curve never mixes two sets.
 */
import type { FamilyScoreRow, HeldoutScore } from '../../shared/loop.js';
import type { MetricRecord } from '../../shared/records.js';

export const SCORE_METRIC = 'score';
/** The untrained model's score on the same benchmark, recorded with round 0. */
export const BASE_SCORE_METRIC = 'base_score';
export const SAMPLES_SEEN_METRIC = 'samples_seen';
export const TRAINED_SAMPLES_METRIC = 'trained_samples';

/** The benchmark set whose scores represent the run, or undefined before any evaluation. */
export function headlineSet(metrics: readonly MetricRecord[]): string | undefined {
  return metrics.find((m) => (m.metric === SCORE_METRIC || m.metric === BASE_SCORE_METRIC) && m.family === null)?.benchmarkSetId;
}

/** Held-out scores (`metric`, default `score`) per iteration, ascending, from one benchmark set. */
export function heldoutByIteration(metrics: readonly MetricRecord[], metric = SCORE_METRIC): Map<number, HeldoutScore> {
  const set = headlineSet(metrics);
  const out = new Map<number, HeldoutScore>();
  if (set === undefined) return out;
  const rows = metrics.filter((m) => m.metric === metric && m.benchmarkSetId === set);
  const families = new Map<number, FamilyScoreRow[]>();
  for (const m of rows) {
    if (m.family === null) continue;
    const list = families.get(m.iteration) ?? [];
    list.push({ family: m.family, score: m.value, n: m.n });
    families.set(m.iteration, list);
  }
  for (const m of rows) {
    if (m.family !== null) continue;
    out.set(m.iteration, { overall: m.value, families: families.get(m.iteration) ?? [] });
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** A figure recorded once per iteration with family null (e.g. samples seen), by iteration. */
export function overallMetric(metrics: readonly MetricRecord[], metric: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of metrics) if (m.metric === metric && m.family === null && !out.has(m.iteration)) out.set(m.iteration, m.value);
  return out;
}
