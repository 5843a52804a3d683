/**
 * Learning curves for comparing runs: held-out score against training samples seen, one series per run (points
 * from loop/metrics.ts). The x axis is samples, not rounds, because closed-loop, no-feedback and static runs
 * train on different amounts per round; every curve starts at the untrained model's score.
 */
import type { CurveSeries } from '../../shared/api.js';
import { curvePoints } from '../loop/metrics.js';
import { listMetrics } from '../store/metrics.js';
import { getRun } from '../store/runs.js';
import type { Store } from '../store/store.js';

export function curveSeries(store: Store, runId: string): CurveSeries {
  const run = getRun(store, runId);
  return { runId, name: run.name, mode: run.mode, points: curvePoints(listMetrics(store, { runId })) };
}

export function buildCurves(store: Store, runIds: readonly string[]): CurveSeries[] {
  return [...new Set(runIds)].map((id) => curveSeries(store, id));
}
