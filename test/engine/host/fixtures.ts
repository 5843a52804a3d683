/**
 * A workspace with what a finished run leaves behind, written through the store's repositories: synthetic
 * scenes, a run with two completed rounds, real proposer QA (programs with args, as the loop stores them),
 * solver answers, training statistics and held-out scores.
 */
import type { Family } from '../../../src/shared/proposer.js';
import type { NewSolverOutput } from '../../../src/shared/records.js';
import { bucketOf } from '../../../src/shared/proposer.js';
import type { Scene } from '../../../src/shared/scene.js';
import { toNewQa } from '../../../src/engine/loop/samples.js';
import { runProposalRound } from '../../../src/engine/proposer/pipeline.js';
import { prepareScene } from '../../../src/engine/proposer/prepare.js';
import { uniformRequests } from '../../../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import {
  assignRunScenes,
  createBenchmarkSet,
  createRound,
  createRun,
  insertQaBatch,
  insertSolverOutputs,
  insertTrainingStats,
  openStore,
  recordMetrics,
  saveScenes,
  setRunProvider,
  updateRound,
  updateRunStatus,
  type Store,
} from '../../../src/engine/store/index.js';

export interface SeededRun {
  runId: string;
  scenes: Scene[];
  qaIds: number[];
  accepted: number[];
  /** Accepted ids whose stored answer the solver got right. */
  correct: Set<number>;
}

export function syntheticScenes(count = 2, seed = 11): Scene[] {
  return generateSyntheticScenes(count, seed, { frames: 6, maxPoints: 4000 });
}

/** Writes scenes and a two-round run into the workspace at `dir`; the store is closed again afterwards. */
export async function seedWorkspace(dir: string, scenes: Scene[] = syntheticScenes()): Promise<SeededRun> {
  const store = openStore({ workspaceDir: dir });
  try {
    return await seedRun(store, scenes);
  } finally {
    store.close();
  }
}

async function seedRun(store: Store, scenes: Scene[]): Promise<SeededRun> {
  saveScenes(store, scenes);
  const run = createRun(store, {
    name: 'seeded',
    mode: 'closed-loop',
    config: { rounds: 2 },
    seeds: { seed: 1 },
    codeVersion: 'test',
    provider: 'onnxruntime/cpu (requested)',
  });
  updateRunStatus(store, run.id, 'running');
  assignRunScenes(store, run.id, scenes.map((s, i) => ({ sceneId: s.id, split: i === 0 ? 'train' : 'heldout' })));
  for (const k of [0, 1]) createRound(store, { runId: run.id, round: k, status: 'running', stage: 'propose', startedAt: 1000 * k });

  const runner = await createSandboxRunner();
  let round;
  try {
    round = await runProposalRound({ scenes: scenes.map((s) => prepareScene(s)), requests: uniformRequests(scenes.map((s) => s.id), 1), seed: 5, runner });
  } finally {
    runner.dispose();
  }
  const rows = round.qa.map((q, i) => toNewQa(run.id, i % 2, q));
  const qaIds = insertQaBatch(store, rows);
  const accepted = qaIds.filter((_, i) => rows[i]!.verdict === 'accepted');
  const correct = new Set<number>();
  const outputs: NewSolverOutput[] = [];
  accepted.forEach((id, j) => {
    const row = rows[qaIds.indexOf(id)]!;
    const right = j % 2 === 0;
    if (right) correct.add(id);
    const prediction = right ? String(row.answer) : row.answerType === 'choice' ? 'Z' : String(Number(row.answer) * 100);
    const confidence = [0.95, 0.5, 0.05][j % 3]!;
    outputs.push({ qaId: id, round: row.round, checkpointId: null, prediction, confidence, bucket: bucketOf(confidence), answerTokenProbs: [confidence] });
  });
  insertSolverOutputs(store, outputs);
  insertTrainingStats(store, [0, 1].flatMap((k) => [1, 2].map((s) => ({ runId: run.id, round: k, step: 2 * k + s, loss: 2 - k - s / 10, lr: 1e-3, gradNorm: null, elapsedMs: s }))));

  createBenchmarkSet(store, { id: 'bench-a', name: 'held-out' });
  const families: Family[] = ['object_counting', 'room_size_estimation'];
  const score = (k: number, metric: string, base: number) => [
    { runId: run.id, round: k, benchmarkSetId: 'bench-a', family: null, metric, value: base, n: 4 },
    ...families.map((f, i) => ({ runId: run.id, round: k, benchmarkSetId: 'bench-a', family: f, metric, value: base + i / 10, n: 2 })),
  ];
  recordMetrics(store, [
    ...score(0, 'base_score', 0.1),
    ...score(0, 'score', 0.2),
    ...score(1, 'score', 0.3),
    { runId: run.id, round: 0, benchmarkSetId: 'bench-a', family: null, metric: 'samples_seen', value: 64, n: 64 },
    { runId: run.id, round: 1, benchmarkSetId: 'bench-a', family: null, metric: 'samples_seen', value: 128, n: 128 },
  ]);
  for (const k of [0, 1]) updateRound(store, run.id, k, { status: 'completed', stage: 'evaluate', finishedAt: 1000 * k + 250, activeMs: 250, counts: { proposed: 10, accepted: 8, rejected: 2 } });
  setRunProvider(store, run.id, 'onnxruntime/cpu (CUDA provider library not found)');
  updateRunStatus(store, run.id, 'completed');
  return { runId: run.id, scenes, qaIds, accepted, correct };
}
