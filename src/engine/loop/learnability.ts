/**
 * Does the solver learn spatial reasoning? Trains it on uniformly sampled accepted QA from synthetic training
 * scenes and scores disjoint held-out scenes per family, next to two references that cannot see the scene:
 * chance (choice: 1 / options; numeric: a training answer of the family drawn at random) and the blind,
 * question-only baseline the shortcut filter uses.
 */
import type { Observation } from '../../shared/observation.js';
import { defaultPerceptionConfig } from '../../shared/observation.js';
import { hashSeed } from '../../shared/random.js';
import { aggregateScores, scorePrediction } from '../eval/vsiScore.js';
import { observeScene } from '../perception/observe.js';
import { BlindBaseline } from '../proposer/filters/shortcut.js';
import { runProposalRound } from '../proposer/pipeline.js';
import { prepareScene } from '../proposer/prepare.js';
import { uniformRequests } from '../proposer/requests.js';
import { createSandboxRunner } from '../proposer/sandboxRunner.js';
import type { QA } from '../proposer/types.js';
import type { SolverSample } from '../solver/features.js';
import type { SolverConfigInput, SolverRuntimeOptions } from '../solver/solver.js';
import { Solver } from '../solver/solver.js';
import { generateSyntheticScenes } from '../sources/synthetic.js';

export interface LearnabilityConfig {
  trainScenes: number;
  heldoutScenes: number;
  /** Proposals asked per scene × family × bin. */
  perBin: number;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  /** Train with choice options in a fresh random order per draw (Solver TrainOptions.permuteOptions). */
  permuteOptions?: boolean;
  solver?: SolverConfigInput;
  runtime?: SolverRuntimeOptions;
  log?: (message: string) => void;
}

export const DEFAULT_LEARNABILITY: LearnabilityConfig = { trainScenes: 60, heldoutScenes: 20, perBin: 4, steps: 1500, batch: 64, lr: 1e-3, seed: 0, permuteOptions: true };

export interface FamilyRow {
  family: string;
  train: number;
  test: number;
  chance: number;
  blind: number;
  before: number;
  after: number;
}

export interface LearnabilityReport {
  config: LearnabilityConfig;
  rows: FamilyRow[];
  overall: { chance: number; blind: number; before: number; after: number };
  losses: number[];
  provider: string;
  stopped?: string;
  ms: { data: number; train: number; eval: number };
}

async function acceptedQa(seed: number, count: number, perBin: number, roundSeed: number): Promise<{ qa: QA[]; observations: Map<string, Observation> }> {
  const scenes = generateSyntheticScenes(count, seed, { points: false });
  const prepared = scenes.map((s) => prepareScene(s));
  const runner = await createSandboxRunner();
  try {
    const { qa } = await runProposalRound({ scenes: prepared, requests: uniformRequests(scenes.map((s) => s.id), perBin), seed: roundSeed, runner });
    const observations = new Map(scenes.map((s) => [s.id, observeScene(s, defaultPerceptionConfig(hashSeed(seed, s.id)))]));
    return { qa: qa.filter((q) => q.verdict === 'accepted'), observations };
  } finally {
    runner.dispose();
  }
}

function chanceScore(q: QA, trainByFamily: Map<string, number[]>): number {
  if (q.answerType === 'choice') return 1 / (q.options?.length ?? 1);
  const pool = (trainByFamily.get(q.family) ?? []).slice(0, 200);
  if (pool.length === 0) return 0;
  return pool.reduce((s, p) => s + scorePrediction(q.family, p, q.answer!), 0) / pool.length;
}

export async function runLearnability(config: LearnabilityConfig): Promise<LearnabilityReport> {
  const log = config.log ?? (() => {});
  const t0 = performance.now();
  // Disjoint scene sets: different generator seeds give different scene ids and layouts.
  const train = await acceptedQa(hashSeed(config.seed, 'train'), config.trainScenes, config.perBin, config.seed);
  const test = await acceptedQa(hashSeed(config.seed, 'heldout'), config.heldoutScenes, config.perBin, config.seed + 1);
  const toSamples = (set: typeof train): SolverSample[] => set.qa.map((qa) => ({ qa, observation: set.observations.get(qa.sceneId)! }));
  const trainSamples = toSamples(train);
  const testSamples = toSamples(test);
  log(`${trainSamples.length} accepted training QA from ${config.trainScenes} scenes, ${testSamples.length} held-out QA from ${config.heldoutScenes} scenes`);
  const trainByFamily = new Map<string, number[]>();
  for (const q of train.qa) if (typeof q.answer === 'number') trainByFamily.set(q.family, [...(trainByFamily.get(q.family) ?? []), q.answer]);
  const blind = new BlindBaseline().fit(train.qa);
  const t1 = performance.now();

  const labels = [...new Set([...train.qa, ...test.qa].flatMap((q) => q.named.map((n) => n.label)))];
  const solver = await Solver.create({ ...config.solver, extraLabels: labels }, config.seed, config.runtime ?? {});
  try {
    const before = await solver.predict(testSamples);
    log(`training ${config.steps} steps × batch ${config.batch} at lr ${config.lr}`);
    const result = await solver.train(trainSamples, { steps: config.steps, batch: config.batch, lr: config.lr, warmupSteps: Math.min(50, Math.floor(config.steps / 10)), permuteOptions: config.permuteOptions !== false });
    const t2 = performance.now();
    const after = await solver.predict(testSamples);
    const t3 = performance.now();

    const per = (pick: (q: QA, i: number) => number) => test.qa.map((q, i) => ({ family: q.family, score: pick(q, i) }));
    const score = (p: string | number | undefined, q: QA) => (p === undefined ? 0 : scorePrediction(q.family, p, q.answer!));
    const chanceRows = per((q) => chanceScore(q, trainByFamily));
    const blindRows = per((q) => score(blind.predict(q)?.prediction, q));
    const beforeRows = per((q, i) => score(before[i]!.prediction, q));
    const afterRows = per((q, i) => score(after[i]!.prediction, q));
    const agg = [chanceRows, blindRows, beforeRows, afterRows].map(aggregateScores);
    const rows: FamilyRow[] = agg[0]!.families.map((f) => ({
      family: f.family,
      train: trainSamples.filter((s) => s.qa.family === f.family).length,
      test: f.n,
      chance: f.score,
      blind: agg[1]!.families.find((x) => x.family === f.family)!.score,
      before: agg[2]!.families.find((x) => x.family === f.family)!.score,
      after: agg[3]!.families.find((x) => x.family === f.family)!.score,
    }));
    return {
      config,
      rows,
      overall: { chance: agg[0]!.overall, blind: agg[1]!.overall, before: agg[2]!.overall, after: agg[3]!.overall },
      losses: result.losses,
      provider: result.provider,
      ...(result.stopped ? { stopped: result.stopped } : {}),
      ms: { data: t1 - t0, train: t2 - t1, eval: t3 - t2 },
    };
  } finally {
    await solver.dispose();
  }
}
