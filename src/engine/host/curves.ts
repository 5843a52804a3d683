/**
 * Learning curves for comparing runs: held-out score against training samples seen, one series per run. The
 * x axis is samples, not iterations, because closed-loop, no-feedback and static runs train on different
 * amounts per round; a run whose loop did not record `samples_seen` falls back to the iteration index. The
 * untrained model's score (`base_score`, recorded in round 0) is the first point, at 0 samples and iteration
 * −1, so every mode's curve starts from the same place.
 */
import type { CurvePoint, CurveSeries } from '../../shared/api.js';
import type { HeldoutScore } from '../../shared/loop.js';
import { listMetrics } from '../store/metrics.js';
import { getRun } from '../store/runs.js';
import type { Store } from '../store/store.js';
import { BASE_SCORE_METRIC, heldoutByIteration, overallMetric, SAMPLES_SEEN_METRIC } from './scores.js';

export function curveSeries(store: Store, runId: string): CurveSeries {
  const run = getRun(store, runId);
  const metrics = listMetrics(store, { runId });
  const seen = overallMetric(metrics, SAMPLES_SEEN_METRIC);
  const point = (iteration: number, samplesSeen: number, h: HeldoutScore): CurvePoint => ({
    samplesSeen,
    iteration,
    overall: h.overall,
    families: Object.fromEntries(h.families.map((f) => [f.family, f.score])),
  });
  const base = [...heldoutByIteration(metrics, BASE_SCORE_METRIC).values()][0];
  const points: CurvePoint[] = [
    ...(base ? [point(-1, 0, base)] : []),
    ...[...heldoutByIteration(metrics)].map(([iteration, h]) => point(iteration, seen.get(iteration) ?? iteration, h)),
  ];
  return { runId, name: run.name, mode: run.mode, points };
}

export function buildCurves(store: Store, runIds: readonly string[]): CurveSeries[] {
  return [...new Set(runIds)].map((id) => curveSeries(store, id));
}
