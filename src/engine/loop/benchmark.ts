/**
 * The held-out benchmark: a fixed, seeded question set per family over the held-out scenes, generated once by
 * the same proposer and filters the loop uses and stored under an id derived from what defines it (the scenes and
 * their versions, questions per family, the data seed), so every run over the same held-out scenes is scored on
 * the same questions, and a run over an edited scene (a new version) is not scored on questions about the old one. Scoring is VSI-Bench's (eval/vsiScore.ts).
 */
import { createHash } from 'node:crypto';
import { FAMILIES } from '../../shared/proposer.js';
import { createRng, hashSeed } from '../../shared/random.js';
import type { BenchmarkQuestionRecord, NewBenchmarkQuestion } from '../../shared/records.js';
import type { HeldoutScore } from '../../shared/loop.js';
import type { Scene } from '../../shared/scene.js';
import { scorePrediction } from '../eval/vsiScore.js';
import { debiasedQuestionIds, heldoutScoreOf } from './debiased.js';
import { FAMILY_SPECS } from '../proposer/families/index.js';
import { runProposalRound } from '../proposer/pipeline.js';
import { prepareScene } from '../proposer/prepare.js';
import { uniformRequests } from '../proposer/requests.js';
import type { ProgramRunner } from '../proposer/runner.js';
import type { SolverSample } from '../solver/features.js';
import type { Solver } from '../solver/solver.js';
import type { Answerer } from './answerer.js';
import type { Store } from '../store/index.js';
import { createBenchmarkSet, inTransaction, insertBenchmarkQuestions, listBenchmarkQuestions, listBenchmarkSets } from '../store/index.js';
import { type Observations, questionOfRecord, sampleOfRecord } from './samples.js';

/**
 * Bumped when the way benchmark questions are chosen changes, so old sets are not mistaken for new ones.
 * 2: the id covers the scenes' versions.
 */
const BENCHMARK_VERSION = 2;

/** The held-out scenes as the run pinned them: id and version (store/scenes.ts › sceneVersion). */
export interface BenchmarkScene {
  id: string;
  version: string;
}

export function benchmarkId(heldout: readonly BenchmarkScene[], perFamily: number, dataSeed: number): string {
  let h = hashSeed(dataSeed, `v${BENCHMARK_VERSION}/${perFamily}`);
  for (const s of [...heldout].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) h = hashSeed(h, `${s.id}@${s.version}`);
  return `heldout-${h.toString(16).padStart(8, '0')}-${heldout.length}x${perFamily}`;
}

export interface BenchmarkBuild {
  setId: string;
  created: boolean;
  questions: BenchmarkQuestionRecord[];
  /** Families that produced fewer than asked on these scenes. */
  short: { family: string; found: number }[];
}

/**
 * Returns the stored set for these scenes, creating it (one transaction) when absent. `scoredOn`: the set a
 * resumed run already has figures on, kept so one run's curve is on one question set (an id scheme may have
 * changed since the run started; BENCHMARK_VERSION).
 */
export async function ensureBenchmark(
  store: Store,
  heldout: readonly Scene[],
  versions: ReadonlyMap<string, string>,
  perFamily: number,
  dataSeed: number,
  runner: ProgramRunner,
  scoredOn?: string,
): Promise<BenchmarkBuild> {
  const ids = heldout.map((scene) => scene.id);
  const sets = new Set(listBenchmarkSets(store).map((s) => s.id));
  if (scoredOn !== undefined && sets.has(scoredOn)) {
    return { setId: scoredOn, created: false, questions: listBenchmarkQuestions(store, scoredOn), short: [] };
  }
  const setId = benchmarkId(
    ids.map((id) => ({ id, version: versions.get(id) ?? '' })),
    perFamily,
    dataSeed,
  );
  if (sets.has(setId)) {
    return { setId, created: false, questions: listBenchmarkQuestions(store, setId), short: [] };
  }
  // Ask for about twice what is needed: some drafts fail the filters, and choice among more gives balance.
  const bins = Math.max(...FAMILIES.map((f) => FAMILY_SPECS[f].bins));
  const perBin = Math.max(1, Math.ceil((2 * perFamily) / (ids.length * bins)));
  // Prepared only here: a set that exists already (a resumed run, a second run over these scenes) needs none.
  const prepared = heldout.map((scene) => prepareScene(scene));
  const { qa } = await runProposalRound({ scenes: prepared, requests: uniformRequests(ids, perBin), seed: hashSeed(dataSeed, 'benchmark'), runner });
  const rows: NewBenchmarkQuestion[] = [];
  const short: { family: string; found: number }[] = [];
  for (const family of FAMILIES) {
    const pool = qa.filter((q) => q.verdict === 'accepted' && q.family === family).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const chosen = createRng(hashSeed(dataSeed, `benchmark:${family}`)).shuffle(pool).slice(0, perFamily);
    if (chosen.length < perFamily) short.push({ family, found: chosen.length });
    for (const q of chosen) {
      rows.push({
        sceneId: q.sceneId,
        family: q.family,
        question: q.question,
        options: q.options ?? null,
        answerType: q.answerType,
        answer: q.answer!,
        named: q.named.map((n) => ({ label: n.label, role: n.role })),
        frame: q.frame ?? null,
        metadata: { proposalId: q.id, bin: q.bin, program: q.program },
      });
    }
  }
  // Another process (a CLI run beside the workbench) may have built the same set meanwhile: its content is the
  // same (seeded), so whoever commits first wins and the other uses it. IMMEDIATE: check and insert under the write
  // lock, so the check cannot go stale before the insert.
  const created = inTransaction(
    store,
    () => {
      if (listBenchmarkSets(store).some((s) => s.id === setId)) return false;
      createBenchmarkSet(store, {
        id: setId,
        name: `held-out: ${ids.length} scenes × ${perFamily} per family`,
        description: `Generated by the programmatic proposer with every filter on, data seed ${dataSeed}; scenes: ${ids.join(', ')}`,
      });
      insertBenchmarkQuestions(store, setId, rows);
      return true;
    },
    { immediate: true },
  );
  return { setId, created, questions: listBenchmarkQuestions(store, setId), short: created ? short : [] };
}

/**
 * SHA-256 over everything a score on `questions` reads besides the model: each question as the solver and the scorer
 * see it (its row id aside, which only names it), in order, with its scene, and each of those scenes' observation.
 * Equal digests and the same checkpoint give the same predictions on the CPU, where inference does not depend on
 * thread counts or lanes: how a shipped model's start scores are matched to a workspace's benchmark (shipped.ts),
 * whose set id cannot be (it covers the scene files' paths, which differ between installs).
 */
export function benchmarkInputSha256(questions: readonly BenchmarkQuestionRecord[], observations: Observations): string {
  const h = createHash('sha256');
  const scenes = new Set<string>();
  for (const q of questions) {
    const { id: _id, ...asked } = questionOfRecord(q);
    h.update(`${q.sceneId}\0${JSON.stringify(asked)}\n`);
    scenes.add(q.sceneId);
  }
  for (const id of [...scenes].sort()) h.update(`${id}\0${JSON.stringify(observations.get(id))}\n`);
  return h.digest('hex');
}

export interface BenchmarkResult {
  score: HeldoutScore;
  /** The same predictions on the debiased version (loop/debiased.ts): the questions a blind model cannot answer confidently. */
  debiasedScore: HeldoutScore;
  predictions: { questionId: number; prediction: string | number; predictionConfidence: number; score: number }[];
}

/** One sample list per benchmark question list, so the solver's encoding cache serves every round's evaluation. */
const benchmarkSamples = new WeakMap<readonly BenchmarkQuestionRecord[], SolverSample[]>();

export async function evaluateOnBenchmark(solver: Pick<Solver, 'predict'> | { predict: Answerer['predict'] }, questions: readonly BenchmarkQuestionRecord[], observations: Observations): Promise<BenchmarkResult> {
  let samples = benchmarkSamples.get(questions);
  if (!samples) benchmarkSamples.set(questions, (samples = questions.map((q) => sampleOfRecord(q, observations))));
  const predictions = await solver.predict(samples);
  const rows = questions.map((q, i) => ({ family: q.family, score: scorePrediction(q.family, predictions[i]!.prediction, q.answer) }));
  // Fixed seed inside: the interval is a property of the benchmark and the predictions, not of the run.
  const keep = debiasedQuestionIds(questions);
  return {
    score: heldoutScoreOf(rows),
    debiasedScore: heldoutScoreOf(rows.filter((_, i) => keep.has(questions[i]!.id))),
    predictions: questions.map((q, i) => ({ questionId: q.id, prediction: predictions[i]!.prediction, predictionConfidence: predictions[i]!.predictionConfidence, score: rows[i]!.score })),
  };
}
