/**
 * Runs written straight through the store's repositories with chosen numbers (held-out scores per round, the
 * starting model's score, samples seen, per-step training statistics), so the host's comparison, experiment and
 * training-dynamics answers can be checked against values worked out by hand.
 */
import type { JsonObject, RunStatus, TrainingStatRecord } from '../../../src/shared/records.js';
import {
  createBenchmarkSet,
  createRound,
  createRun,
  insertTrainingStats,
  openStore,
  recordMetrics,
  updateRound,
  updateRunStatus,
  type Store,
} from '../../../src/engine/store/index.js';

export interface HandRun {
  id: string;
  name: string;
  config: JsonObject;
  status?: RunStatus;
  /** Held-out overall score after each round (round 0, 1, …). */
  scores?: number[];
  /** The starting model's score (recorded with round 0), when the run has one. */
  base?: number;
  /** Training samples seen by the end of each round. */
  samples?: number[];
  training?: Omit<TrainingStatRecord, 'runId'>[];
}

const BENCH = 'bench-hand';

/** Writes the runs in order, a few milliseconds apart so "newest" is well defined. */
export async function writeRuns(dir: string, runs: readonly HandRun[]): Promise<void> {
  const store = openStore({ workspaceDir: dir });
  try {
    try {
      createBenchmarkSet(store, { id: BENCH, name: 'held-out' });
    } catch {
      // Already there from an earlier call on the same workspace.
    }
    for (const r of runs) {
      writeRun(store, r);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  } finally {
    store.close();
  }
}

function writeRun(store: Store, r: HandRun): void {
  const mode = (r.config.mode as 'closed-loop' | 'no-feedback' | 'static' | undefined) ?? 'closed-loop';
  const seeds = { seed: Number(r.config.seed ?? 0), dataSeed: Number(r.config.dataSeed ?? 0) };
  createRun(store, { id: r.id, name: r.name, mode, config: { ...r.config, name: r.name }, seeds, codeVersion: 'test', provider: 'onnxruntime/cpu' });
  const scores = r.scores ?? [];
  const rounds = Math.max(scores.length, ...(r.training ?? []).map((t) => t.round + 1));
  for (let k = 0; k < rounds; k++) createRound(store, { runId: r.id, round: k, status: 'running', stage: 'propose', startedAt: k });
  if (r.training) insertTrainingStats(store, r.training.map((t) => ({ ...t, runId: r.id })));
  recordMetrics(store, [
    ...(r.base !== undefined && scores.length > 0 ? [{ runId: r.id, round: 0, benchmarkSetId: BENCH, family: null, metric: 'base_score', value: r.base, n: 100 }] : []),
    ...scores.map((value, round) => ({ runId: r.id, round, benchmarkSetId: BENCH, family: null, metric: 'score', value, n: 100 })),
    ...(r.samples ?? []).slice(0, rounds).map((value, round) => ({ runId: r.id, round, benchmarkSetId: BENCH, family: null, metric: 'samples_seen', value, n: value })),
  ]);
  for (let k = 0; k < rounds; k++) updateRound(store, r.id, k, { status: 'completed', stage: 'evaluate', finishedAt: k + 1 });
  const status = r.status ?? 'completed';
  if (status === 'queued') return;
  updateRunStatus(store, r.id, 'running');
  if (status !== 'running') updateRunStatus(store, r.id, status);
}

/** 4.302652729911275: Student's t at 97.5% with 2 degrees of freedom (three seeds), as printed tables give 4.303. */
export const T2 = 4.302652729911275;
/** 12.706204736174705: the same with 1 degree of freedom (two seeds). */
export const T1 = 12.706204736174705;
