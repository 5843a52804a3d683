/** Runs as the Runs list and the run dashboard read them, and an iteration's summary rebuilt from the store. */
import type { RunDetail, RunSummary } from '../../shared/api.js';
import type { IterationSummary } from '../../shared/loop.js';
import type { IterationRecord, RunRecord } from '../../shared/records.js';
import { listCheckpoints } from '../store/checkpoints.js';
import { listControllerDecisions } from '../store/controller.js';
import { listIterations } from '../store/iterations.js';
import { listMetrics } from '../store/metrics.js';
import { getRun, listRunScenes, listRuns } from '../store/runs.js';
import type { Store } from '../store/store.js';
import { listTrainingStats } from '../store/training.js';
import { heldoutByIteration, overallMetric, SAMPLES_SEEN_METRIC, SCORE_METRIC, TRAINED_SAMPLES_METRIC } from './scores.js';

/**
 * "cpu", "cuda", or "cpu: <why CUDA was not used>", from the provider the loop records on the run
 * (`onnxruntime/<provider> (<note>)`); null while only the requested provider is known (before training).
 */
export function executionProviderOf(provider: string): string | null {
  const m = /^onnxruntime\/(\w+)(?: \((.*)\))?$/s.exec(provider);
  if (!m) return null;
  const [, name, note] = m;
  if (note === 'requested') return null;
  return note ? `${name}: ${note}` : name!;
}

export function runSummary(store: Store, run: RunRecord): RunSummary {
  const done = store.prepare(`SELECT count(*) AS n FROM iterations WHERE run_id = ? AND status = 'completed'`).get(run.id) as { n: number };
  const scores = listMetrics(store, { runId: run.id, family: null, metric: SCORE_METRIC });
  const heldout = [...heldoutByIteration(scores).values()].at(-1);
  return { ...run, iterationsDone: done.n, heldoutScore: heldout?.overall ?? null, executionProvider: executionProviderOf(run.provider) };
}

export function listRunSummaries(store: Store): RunSummary[] {
  return listRuns(store).map((r) => runSummary(store, r));
}

export function runDetail(store: Store, runId: string): RunDetail {
  const run = getRun(store, runId);
  return {
    run: runSummary(store, run),
    iterations: listIterations(store, runId),
    split: listRunScenes(store, runId),
    metrics: listMetrics(store, { runId }),
    decisions: listControllerDecisions(store, runId),
    checkpoints: listCheckpoints(store, runId),
    training: listTrainingStats(store, runId),
  };
}

/**
 * What the loop's `iteration` event says, rebuilt from the rows it wrote: for runs another process executes,
 * whose events this host never receives. Samples seen come from the `samples_seen` metric when the loop
 * recorded it; otherwise accepted samples are counted as trained.
 */
export function iterationSummary(store: Store, runId: string, iteration: IterationRecord): IterationSummary {
  const metrics = listMetrics(store, { runId, iteration: iteration.index });
  const seenSoFar = overallMetric(metrics, SAMPLES_SEEN_METRIC).get(iteration.index);
  const trained = overallMetric(metrics, TRAINED_SAMPLES_METRIC).get(iteration.index) ?? iteration.counts.accepted;
  let samplesSeen = seenSoFar;
  if (samplesSeen === undefined) {
    const earlier = listIterations(store, runId).filter((i) => i.index < iteration.index);
    samplesSeen = earlier.reduce((n, i) => n + i.counts.accepted, 0) + trained;
  }
  const loss = store.prepare('SELECT avg(loss) AS mean FROM training_stats WHERE run_id = ? AND iteration = ?').get(runId, iteration.index) as { mean: number | null };
  const heldout = heldoutByIteration(metrics).get(iteration.index) ?? null;
  const ms = iteration.startedAt !== null && iteration.finishedAt !== null ? iteration.finishedAt - iteration.startedAt : 0;
  return { iteration: iteration.index, counts: iteration.counts, trainedSamples: trained, samplesSeen, meanLoss: loss.mean, heldout, ms };
}
