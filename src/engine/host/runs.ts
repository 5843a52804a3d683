/** Runs as the Runs list and the run dashboard read them. */
import type { RunDetail, RunSummary } from '../../shared/api.js';
import type { MetricRecord, RoundRecord, RunRecord } from '../../shared/records.js';
import { listCheckpoints } from '../store/checkpoints.js';
import { listControllerDecisions } from '../store/controller.js';
import { listRounds } from '../store/rounds.js';
import { listMetrics } from '../store/metrics.js';
import { getRun, listRunScenes, listRuns } from '../store/runs.js';
import { listScenes } from '../store/scenes.js';
import { evalScenesAmong } from '../sources/evalScenes.js';
import type { Store } from '../store/store.js';
import { listTrainingStats } from '../store/training.js';
import { proposerStats } from '../store/qa.js';
import { headlineSet, heldoutByRound, roundFigures, SCORE_METRIC } from '../loop/metrics.js';
import { benchmarkDebias, solverOnBoth } from '../loop/debiased.js';
import { listBenchmarkQuestions } from '../store/benchmarks.js';
import type { BenchmarkDebias, RunDebias } from '../../shared/debiased.js';

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

export function runSummary(store: Store, run: RunRecord, rounds: readonly RoundRecord[] = listRounds(store, run.id)): RunSummary {
  const completed = rounds.filter((it) => it.status === 'completed');
  const scores = listMetrics(store, { runId: run.id, family: null, metric: SCORE_METRIC });
  const heldout = [...heldoutByRound(scores).values()].at(-1);
  const running = run.status === 'running' ? rounds.find((it) => it.status === 'running') : undefined;
  return {
    ...run,
    roundsDone: completed.length,
    heldoutScore: heldout?.overall ?? null,
    executionProvider: executionProviderOf(run.provider),
    roundMs: completed.flatMap((it) => (it.activeMs !== null ? [it.activeMs] : [])),
    roundStartedAt: running?.startedAt ?? null,
  };
}

export function listRunSummaries(store: Store): RunSummary[] {
  return listRuns(store).map((r) => runSummary(store, r));
}

/** Blind figures per benchmark set: a set's questions never change, and getRun is called on every refresh. */
const debiasBySet = new Map<string, BenchmarkDebias>();

function runDebias(store: Store, metrics: MetricRecord[]): RunDebias | null {
  const setId = headlineSet(metrics);
  if (setId === undefined) return null;
  const key = `${store.dbPath}\u0000${setId}`;
  let debias = debiasBySet.get(key);
  if (!debias) debiasBySet.set(key, (debias = benchmarkDebias(listBenchmarkQuestions(store, setId))));
  return { ...debias, solver: solverOnBoth(metrics) };
}

export function runDetail(store: Store, runId: string): RunDetail {
  const run = getRun(store, runId);
  const rounds = listRounds(store, runId);
  const metrics = listMetrics(store, { runId });
  const split = listRunScenes(store, runId);
  const train = new Set(split.filter((e) => e.split === 'train').map((e) => e.sceneId));
  return {
    run: runSummary(store, run, rounds),
    rounds,
    roundFigures: roundFigures(store, runId, rounds),
    split,
    evalScenes: evalScenesAmong(listScenes(store).filter((s) => train.has(s.id))),
    debias: runDebias(store, metrics),
    metrics,
    decisions: listControllerDecisions(store, runId),
    checkpoints: listCheckpoints(store, runId),
    training: listTrainingStats(store, runId),
    proposers: rounds.map((it) => ({ round: it.round, proposers: proposerStats(store, runId, it.round) })),
  };
}
