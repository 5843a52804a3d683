/**
 * The stages of one round. Each reads its inputs from the store and commits its outputs together with the
 * round's `stage` (the last committed stage) in ONE transaction, so after a crash the round continues at
 * the first uncommitted stage and redoes it from the same inputs with the same seeds: no lost rows, no
 * duplicates, the same result as an uninterrupted run.
 *
 *   propose+filter → QA rows (all candidates, verdicts)            stage 'filter'
 *   solve          → solver outputs: prediction, confidence, bucket  stage 'solve'
 *   control        → controller decision: next round's mix          stage 'control'
 *   train          → checkpoint, training stats, trained marks      stage 'train'
 *   evaluate       → held-out metrics                                stage 'evaluate', status completed
 */
import { describeError } from '../../shared/errors.js';
import type { HeldoutScore } from '../../shared/loop.js';
import type { ConfidenceSample, Family, Mix } from '../../shared/proposer.js';
import { bucketOf } from '../../shared/proposer.js';
import { createRng, hashSeed } from '../../shared/random.js';
import type { JsonObject, LoopStage, MetricRecord, NewQa, NewSolverOutput, QaRecord } from '../../shared/records.js';
import { scorePrediction } from '../eval/vsiScore.js';
import { allocateMix, createStrategy } from '../proposer/controller/index.js';
import type { DecisionStats } from '../proposer/controller/types.js';
import { feedbackFrom } from '../proposer/llm/feedback.js';
import { LLM_PROPOSER, LlmProposer } from '../proposer/llm/llmProposer.js';
import type { RoundInput } from '../proposer/pipeline.js';
import { runProposalRound } from '../proposer/pipeline.js';
import type { ProposalRequest } from '../proposer/proposer.js';
import type { QA } from '../proposer/types.js';
import { splitRequests, uniformRequests } from '../proposer/requests.js';
import type { SolverSample } from '../solver/features.js';
import {
  countTrained,
  findStartMetrics,
  getControllerDecision,
  getEndpointResponse,
  inTransaction,
  insertQaBatch,
  insertSolverOutputs,
  insertTrainingStats,
  listRoundAnswers,
  listSolverOutputs,
  markTrained,
  putEndpointResponse,
  queryQa,
  recordControllerDecision,
  recordMetrics,
  saveCheckpoint,
  updateRound,
} from '../store/index.js';
import { benchmarkInputSha256, evaluateOnBenchmark } from './benchmark.js';
import { DEBIASED_SCORE_METRIC } from './debiased.js';
import type { Answerer } from './answerer.js';
import { handOff } from './handoff.js';
import { roundSampleCap } from './config.js';
import { Cancelled, type LoopContext, uniformMix } from './context.js';
import { BASE_SCORE_METRIC, SAMPLES_SEEN_METRIC, SCORE_METRIC, TRAINED_SAMPLES_METRIC, intervalMetrics, scoreFigures } from './metrics.js';
import { sampleOfRecord, toNewQa } from './samples.js';
import { selectionScore, topByScore, topByScorePerGroup } from './selection.js';
import { shippedStartScores } from './shipped.js';

/** Inference chunk: progress and cancellation are checked between chunks. */
const ANSWER_CHUNK = 1024;
/** Static datasets are scored on at most this many of a round's samples (the bucket view, not the method). */
const STATIC_SCORE_CAP = 4096;

export class LoopFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoopFailure';
  }
}

function timed(ctx: LoopContext, k: number, stage: LoopStage) {
  const t0 = performance.now();
  ctx.emit({ type: 'stage', runId: ctx.run.id, round: k, stage, phase: 'start' });
  return (detail?: string): void =>
    ctx.emit({ type: 'stage', runId: ctx.run.id, round: k, stage, phase: 'end', ms: performance.now() - t0, ...(detail ? { detail } : {}) });
}

const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;

function questionsOf(ctx: LoopContext, round: number, verdict?: 'accepted'): QaRecord[] {
  return queryQa(ctx.store, { runId: ctx.run.id, round, ...(verdict ? { verdict } : {}), limit: -1 }).sort(byId);
}

/** The mix round k was generated with: uniform first, then what the controller decided after round k − 1. */
export function mixFor(ctx: LoopContext, k: number): Mix {
  if (k === 0 || ctx.config.mode !== 'closed-loop') return uniformMix(ctx.cells);
  const d = getControllerDecision(ctx.store, ctx.run.id, k - 1);
  if (!d) throw new Error(`run ${ctx.run.id}: round ${k - 1} has no controller decision to take the mix from`);
  return d.weightsAfter;
}

/** A static run's fixed dataset: its accepted round-0 questions in a seeded order, cut to `staticSamples`. */
function staticSet(ctx: LoopContext): QaRecord[] {
  const pool = questionsOf(ctx, 0, 'accepted');
  return createRng(hashSeed(ctx.config.seed, 'static-set')).shuffle(pool).slice(0, ctx.config.staticSamples);
}

/** Round k of a static run trains on the k-th of T equal slices of the fixed set (one pass over T rounds). */
function staticSlice(ctx: LoopContext, k: number): QaRecord[] {
  const set = staticSet(ctx);
  const T = ctx.config.rounds;
  return set.slice(Math.floor((k * set.length) / T), Math.floor(((k + 1) * set.length) / T));
}

// ── propose + filter ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * What the generative proposer is told before drafting round k of a closed loop: the controller's statistics
 * after round k − 1 and the questions answered then. Read from the store, so a resumed round is told the same.
 */
function proposerFeedback(ctx: LoopContext, k: number): ((sceneId: string, family: Family) => string) | undefined {
  if (k === 0 || ctx.config.mode !== 'closed-loop') return undefined;
  const d = getControllerDecision(ctx.store, ctx.run.id, k - 1);
  const rows = ((d?.stats as { rows?: DecisionStats[] } | undefined)?.rows ?? []).filter((r) => r.level !== 'cell' || r.n > 0);
  return feedbackFrom(k - 1, rows, listRoundAnswers(ctx.store, ctx.run.id, k - 1, 'question'));
}

/**
 * A round's requests split between the programmatic proposer and, for `config.proposer.share` of the drafts, the
 * generative one (its drafts are recorded with proposer 'llm'); `name` seeds the split.
 */
function withProposers(ctx: LoopContext, k: number, requests: ProposalRequest[], name: string): Pick<RoundInput, 'requests' | 'routes'> {
  const p = ctx.config.proposer;
  if (!p) return { requests };
  const { rest, shared } = splitRequests(requests, p.share, createRng(hashSeed(ctx.config.seed, `llm-share@${name}`)));
  const feedback = proposerFeedback(ctx, k);
  const llm = new LlmProposer(p.llm, {
    cache: { get: (key) => getEndpointResponse(ctx.store, key), put: (key, model, r) => putEndpointResponse(ctx.store, key, model, r) },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(feedback ? { feedback } : {}),
  });
  return { requests: rest, routes: [{ proposer: llm, requests: shared }] };
}

/** Round k's proposal requests (from its mix) and pipeline seed. */
function roundInput(ctx: LoopContext, k: number): { requests: ProposalRequest[]; seed: number } {
  const { config } = ctx;
  const requests = allocateMix(mixFor(ctx, k), config.candidates, createRng(hashSeed(config.seed, `requests@${k}`))).filter((a) => a.count > 0);
  return { requests, seed: hashSeed(config.seed, `propose@${k}`) };
}

/**
 * Starts proposing round k on the run's ahead worker (ahead.ts), when it has one and the round is proposed the
 * ordinary way: a static dataset is made once, and a generative proposer's share asks an endpoint and records its
 * replies in the store, which only the loop's thread writes. Needs round k − 1's controller decision committed.
 */
export function proposeAhead(ctx: LoopContext, k: number): void {
  const { config } = ctx;
  if (!ctx.ahead || k >= config.rounds || config.mode === 'static' || config.proposer) return;
  // A resumed run may stand before round k − 1's decision: then round k is proposed when its time comes.
  if (k > 0 && config.mode === 'closed-loop' && !getControllerDecision(ctx.store, ctx.run.id, k - 1)) return;
  ctx.ahead.start(k, roundInput(ctx, k));
}

/** Round k as proposed ahead, if it was (`proposeAhead` decides which rounds); a worker's failure is logged and the stage proposes itself. */
async function takeAhead(ctx: LoopContext, k: number, input: { requests: ProposalRequest[]; seed: number }): Promise<{ qa: QA[]; ms: number } | undefined> {
  const pending = ctx.ahead?.take(k, input);
  if (!pending) return undefined;
  try {
    return await pending;
  } catch (e) {
    ctx.log('warn', `round ${k}: ${describeError(e)}; proposing on the loop's thread instead (same questions)`);
    return undefined;
  }
}

export async function propose(ctx: LoopContext, k: number): Promise<void> {
  const { config, run } = ctx;
  let rows: NewQa[] = [];
  if (config.mode === 'static' && k > 0) {
    const done = timed(ctx, k, 'propose');
    done('static dataset: nothing to propose after round 0');
  } else if (config.mode === 'static') {
    rows = await proposeStatic(ctx);
  } else {
    const done = timed(ctx, k, 'propose');
    const { requests, seed } = roundInput(ctx, k);
    ctx.checkCancelled('before proposing');
    const ahead = await takeAhead(ctx, k, { requests, seed });
    const t0 = performance.now();
    const round = ahead ?? (await runProposalRound({ scenes: ctx.trainPrepared(), ...withProposers(ctx, k, requests, `propose@${k}`), seed, runner: ctx.runner }));
    const ms = ahead?.ms ?? performance.now() - t0;
    rows = round.qa.map((qa) => toNewQa(run.id, k, qa));
    ctx.emit({ type: 'progress', runId: run.id, round: k, stage: 'propose', done: rows.length, total: rows.length, unit: 'candidates', perSecond: (rows.length / ms) * 1000 });
    done(`${rows.length} candidates from ${requests.length} mix cells${ahead ? ` (proposed ahead on a worker thread in ${(ms / 1000).toFixed(2)} s)` : ''}`);
  }
  const doneFilter = timed(ctx, k, 'filter');
  const accepted = rows.filter((r) => r.verdict === 'accepted').length;
  ctx.checkCancelled('before storing proposals');
  inTransaction(ctx.store, () => {
    insertQaBatch(ctx.store, rows);
    updateRound(ctx.store, run.id, k, { stage: 'filter', counts: { proposed: rows.length, accepted, rejected: rows.length - accepted } });
  });
  const llm = rows.filter((r) => r.proposer === LLM_PROPOSER);
  const llmAccepted = llm.filter((r) => r.verdict === 'accepted').length;
  doneFilter(`${accepted} of ${rows.length} accepted${llm.length > 0 ? ` (${LLM_PROPOSER} proposer: ${llmAccepted} of ${llm.length})` : ''}`);
}

async function proposeStatic(ctx: LoopContext): Promise<NewQa[]> {
  const { config, run } = ctx;
  const done = timed(ctx, 0, 'propose');
  const prepared = ctx.trainPrepared();
  const ids = prepared.map((p) => p.scene.id);
  const rows: NewQa[] = [];
  let accepted = 0;
  // Uniform requests, round after round with fresh seeds, until the fixed set is full (about half the drafts
  // pass the filters, so the first round asks for twice what is needed).
  const cellsPerScene = ctx.cells.length / Math.max(1, ids.length);
  for (let r = 0; r < 20 && accepted < config.staticSamples; r++) {
    ctx.checkCancelled('while generating the static dataset');
    const missing = config.staticSamples - accepted;
    const perBin = Math.max(1, Math.ceil((2 * missing) / (ids.length * cellsPerScene)));
    const round = await runProposalRound({ scenes: prepared, ...withProposers(ctx, 0, uniformRequests(ids, perBin, config.families), `static@${r}`), seed: hashSeed(config.seed, `static@${r}`), runner: ctx.runner });
    for (const qa of round.qa) {
      rows.push(toNewQa(run.id, 0, qa));
      if (qa.verdict === 'accepted') accepted++;
    }
    ctx.emit({ type: 'progress', runId: run.id, round: 0, stage: 'propose', done: Math.min(accepted, config.staticSamples), total: config.staticSamples, unit: 'accepted samples' });
  }
  if (accepted === 0) throw new LoopFailure('the static dataset is empty: no proposal passed the filters on the training scenes');
  if (accepted < config.staticSamples) ctx.log('warn', `static dataset: only ${accepted} of ${config.staticSamples} samples could be generated on these scenes`);
  done(`${accepted} accepted samples for the static dataset`);
  return rows;
}

// ── solve ────────────────────────────────────────────────────────────────────────────────────────────────────

export async function solve(ctx: LoopContext, k: number): Promise<void> {
  const { config, run } = ctx;
  const done = timed(ctx, k, 'solve');
  const solver = await ctx.answererAfter(k - 1);
  const questions = config.mode === 'static' ? staticSlice(ctx, k).slice(0, STATIC_SCORE_CAP) : questionsOf(ctx, k, 'accepted');
  const outputs: NewSolverOutput[] = [];
  const checkpointId = k > 0 ? ctx.checkpointIdAfter(k - 1) : null;
  const usesReference = config.mode === 'closed-loop' && config.strategy === 'reducible-loss';
  const t0 = performance.now();
  for (let start = 0; start < questions.length; start += ANSWER_CHUNK) {
    ctx.checkCancelled('while the solver answers');
    const chunk = questions.slice(start, start + ANSWER_CHUNK);
    const samples = chunk.map((q) => sampleOfRecord(q, ctx.observations));
    const answers = await solver.answer(samples);
    const reference = usesReference ? await (await ctx.referenceSolver()).answer(samples) : undefined;
    chunk.forEach((q, i) => {
      const a = answers[i]!;
      const confidence = Math.min(1, Math.max(0, Number.isFinite(a.groundTruthConfidence) ? a.groundTruthConfidence : 0));
      const referenceLoss = reference ? reference[i]!.loss : Number.NaN;
      outputs.push({
        pCorrect: a.pCorrect,
        loss: a.loss,
        referenceLoss,
        selectionScore: selectionScore(config, { pCorrect: a.pCorrect, loss: a.loss, referenceLoss }),
        qaId: q.id,
        round: k,
        checkpointId,
        prediction: String(a.prediction),
        confidence,
        bucket: bucketOf(confidence, config.thresholds),
        answerTokenProbs: a.answerTokenProbs,
        confidenceMethod: a.confidenceMethod,
      });
    });
    const n = Math.min(start + ANSWER_CHUNK, questions.length);
    ctx.emit({ type: 'progress', runId: run.id, round: k, stage: 'solve', done: n, total: questions.length, unit: 'answers', perSecond: (n / (performance.now() - t0)) * 1000 });
  }
  const counts = { easy: 0, frontier: 0, hard: 0 };
  for (const o of outputs) counts[o.bucket]++;
  // Round 0 also scores the starting model on the benchmark: the curve's starting point. Scores known already
  // (deterministic: another run from the same model, or the shipped file's) are copied (startScoreRows).
  let baseRows: MetricRecord[] = [];
  if (k === 0) baseRows = await startScoreRows(ctx, solver);
  ctx.checkCancelled('before storing answers');
  inTransaction(ctx.store, () => {
    insertSolverOutputs(ctx.store, outputs);
    if (baseRows.length > 0) recordMetrics(ctx.store, baseRows);
    updateRound(ctx.store, run.id, k, { stage: 'solve', counts });
  });
  done(`${outputs.length} answered: ${counts.easy} easy, ${counts.frontier} frontier, ${counts.hard} hard`);
}

/**
 * Round 0's `base_score` rows: copied from a run that started from the same checkpoint and was scored on this set,
 * else from the shipped file that holds the starting model, when it was scored there on these very questions and
 * observations (shipped.ts › ShippedStartScores), else scored now.
 */
async function startScoreRows(ctx: LoopContext, start: Answerer): Promise<MetricRecord[]> {
  const { config, run } = ctx;
  const names = intervalMetrics(BASE_SCORE_METRIC);
  const known = findStartMetrics(ctx.store, ctx.benchmark.setId, config.initCheckpoint, [BASE_SCORE_METRIC, names.lo, names.hi]);
  if (known.some((m) => m.metric === BASE_SCORE_METRIC && m.family === null)) return known.map((m) => ({ ...m, runId: run.id }));
  const shipped = shippedStartScores(ctx.store, config.initCheckpoint, () => benchmarkInputSha256(ctx.benchmark.questions, ctx.observations), start.provider, ctx.shipped);
  if (shipped) {
    ctx.log('info', `the starting model's scores on this benchmark come with it (${shipped.file.split('/').pop()}: measured on the same questions and observations when it was built)`);
    return shipped.figures.map((f) => ({ runId: run.id, round: 0, benchmarkSetId: ctx.benchmark.setId, ...f }));
  }
  return scoreMetrics(ctx, 0, BASE_SCORE_METRIC, (await evaluateOnBenchmark(start, ctx.benchmark.questions, ctx.observations)).score);
}

// ── control ──────────────────────────────────────────────────────────────────────────────────────────────────

export function control(ctx: LoopContext, k: number): void {
  const { config, run, store } = ctx;
  const done = timed(ctx, k, 'control');
  if (config.mode === 'static') {
    updateRound(store, run.id, k, { stage: 'control' });
    done('static dataset: no mix to steer');
    return;
  }
  const samples: ConfidenceSample[] = listRoundAnswers(store, run.id, k, 'answer').map((r) => ({
    sceneId: r.sceneId,
    family: r.family as Family,
    bin: r.bin,
    confidence: r.confidence,
    correct: scorePrediction(r.family, r.prediction, r.answer) >= 0.5,
    ...(r.selectionScore !== null ? { score: r.selectionScore } : {}),
  }));
  const strategy = config.mode === 'closed-loop' ? createStrategy(config.strategy, { seed: hashSeed(config.seed, `controller@${k}`), balanceFamilies: config.balance === 'family' ? 1 : 0 }) : createStrategy('uniform');
  const decision = strategy.decide({ round: k, previous: mixFor(ctx, k), samples, cells: ctx.cells, thresholds: config.thresholds });
  inTransaction(store, () => {
    recordControllerDecision(store, {
      runId: run.id,
      round: k,
      strategy: decision.strategy,
      weightsBefore: decision.before,
      weightsAfter: decision.after,
      stats: { config: { ...decision.config }, options: decision.options, rows: decision.stats } as unknown as JsonObject,
      reason: decision.reasons.join('\n'),
    });
    updateRound(store, run.id, k, { stage: 'control' });
  });
  done(mixShift(decision.before, decision.after));
}

/** "object_counting 8.3% → 12.1%, …": the families whose share of the mix moved most. */
function mixShift(before: Mix, after: Mix): string {
  const share = (m: Mix) => {
    const by = new Map<string, number>();
    for (const e of m.entries) by.set(e.family, (by.get(e.family) ?? 0) + e.weight);
    return by;
  };
  const b = share(before);
  const a = share(after);
  const moved = [...a].map(([f, w]) => ({ f, from: b.get(f) ?? 0, to: w })).sort((x, y) => Math.abs(y.to - y.from) - Math.abs(x.to - x.from));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `mix: ${moved.slice(0, 3).map((m) => `${m.f} ${pct(m.from)} → ${pct(m.to)}`).join(', ')}`;
}

// ── train ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * What round k trains on. Closed loop: the K × B accepted questions its rule scores highest (`top-score`), or
 * accepted questions the solver does not already find easy, frontier ones first unless `selection` is
 * all-but-easy. No feedback:
 * every accepted question. Both capped at K × B in a seeded order. Static: the round's slice of the fixed set.
 */
export function trainingSelection(ctx: LoopContext, k: number): QaRecord[] {
  const { config } = ctx;
  if (config.mode === 'static') return staticSlice(ctx, k);
  let pool = questionsOf(ctx, k, 'accepted');
  const cap = roundSampleCap(config);
  if (config.mode === 'closed-loop' && config.selection === 'top-score') {
    const scores = new Map(listSolverOutputs(ctx.store, { runId: ctx.run.id, round: k }).map((o) => [o.qaId, o.selectionScore]));
    const seed = hashSeed(config.seed, `select@${k}`);
    return config.balance === 'family'
      ? topByScorePerGroup(pool, (q) => q.family, (q) => scores.get(q.id) ?? null, cap, seed)
      : topByScore(pool, (q) => scores.get(q.id) ?? null, cap, seed);
  }
  if (config.mode === 'closed-loop') pool = pool.filter((q) => q.bucket !== 'easy');
  if (pool.length <= cap) return pool;
  const rng = createRng(hashSeed(config.seed, `select@${k}`));
  if (config.mode === 'closed-loop' && config.selection === 'frontier-first') {
    const frontier = rng.shuffle(pool.filter((q) => q.bucket === 'frontier'));
    const rest = rng.shuffle(pool.filter((q) => q.bucket !== 'frontier'));
    return [...frontier, ...rest].slice(0, cap).sort(byId);
  }
  return rng.shuffle(pool).slice(0, cap).sort(byId);
}

export async function train(ctx: LoopContext, k: number): Promise<void> {
  const { config, run, store } = ctx;
  const done = timed(ctx, k, 'train');
  const selection = trainingSelection(ctx, k);
  if (config.endpoint) {
    done(await handOff(ctx, k, selection));
    return;
  }
  const solver = await ctx.solverAfter(k - 1);
  const startStep = solver.step;
  if (selection.length === 0) {
    ctx.log('warn', `round ${k}: nothing to train on (every accepted question is already easy, or none was accepted); the model is carried over unchanged`);
  }
  const warmup = k === 0 ? Math.min(config.warmupSteps, config.steps) : 0;
  const samples: SolverSample[] = selection.map((q) => sampleOfRecord(q, ctx.observations));
  const t0 = performance.now();
  const result =
    samples.length === 0
      ? undefined
      : await solver.train(samples, {
          steps: config.steps,
          batch: config.batch,
          lr: config.lr,
          warmupSteps: warmup,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onStep: (n) => {
            if (n % 5 === 0 || n === config.steps) {
              ctx.emit({ type: 'progress', runId: run.id, round: k, stage: 'train', done: n, total: config.steps, unit: 'steps', perSecond: (n / (performance.now() - t0)) * 1000 });
            }
          },
        });
  const elapsed = performance.now() - t0;
  if (result?.stopped) {
    if (ctx.signal?.aborted) throw new Cancelled('during training');
    // The model trained this round is discarded; the previous round's checkpoint stays the last good one.
    throw new LoopFailure(`round ${k}: ${result.stopped}`);
  }
  ctx.checkCancelled('before storing the checkpoint');
  const bytes = solver.checkpoint();
  const perStep = result ? elapsed / Math.max(1, result.steps) : 0;
  inTransaction(store, () => {
    saveCheckpoint(store, {
      runId: run.id,
      round: k,
      config: { model: { ...solver.config.model }, optimizer: { ...solver.config.optimizer }, sigmaBins: solver.config.sigmaBins, seed: solver.seed, preset: config.model },
      optimizerStep: solver.step,
      content: { bytes },
    });
    if (result) {
      insertTrainingStats(
        store,
        result.losses.map((loss, i) => ({
          runId: run.id,
          round: k,
          step: startStep + i + 1,
          loss,
          lr: result.lrs[i]!,
          gradNorm: Number.isFinite(result.gradNorms[i]!) ? result.gradNorms[i]! : null,
          elapsedMs: perStep * (i + 1),
        })),
      );
    }
    markTrained(store, run.id, k, selection.map((q) => q.id));
    updateRound(store, run.id, k, { stage: 'train' });
  });
  ctx.solverTrained(k);
  const last = result?.losses.slice(-10) ?? [];
  done(result ? `${result.steps} steps on ${selection.length} samples, loss ${(last.reduce((a, b) => a + b, 0) / Math.max(1, last.length)).toFixed(3)}` : 'skipped');
}

// ── evaluate ─────────────────────────────────────────────────────────────────────────────────────────────────

function scoreMetrics(ctx: LoopContext, k: number, metric: string, score: HeldoutScore): MetricRecord[] {
  return scoreFigures(metric, score).map((f) => ({ runId: ctx.run.id, round: k, benchmarkSetId: ctx.benchmark.setId, ...f }));
}

export async function evaluate(ctx: LoopContext, k: number): Promise<void> {
  const { run, store } = ctx;
  const done = timed(ctx, k, 'evaluate');
  const solver = await ctx.answererAfter(k);
  const result = await evaluateOnBenchmark(solver, ctx.benchmark.questions, ctx.observations);
  const seen = countTrained(store, run.id, k);
  const trained = seen - (k > 0 ? countTrained(store, run.id, k - 1) : 0);
  const setId = ctx.benchmark.setId;
  ctx.checkCancelled('before storing the evaluation');
  inTransaction(store, () => {
    recordMetrics(store, [
      ...scoreMetrics(ctx, k, SCORE_METRIC, result.score),
      ...scoreMetrics(ctx, k, DEBIASED_SCORE_METRIC, result.debiasedScore),
      { runId: run.id, round: k, benchmarkSetId: setId, family: null, metric: SAMPLES_SEEN_METRIC, value: seen, n: seen },
      { runId: run.id, round: k, benchmarkSetId: setId, family: null, metric: TRAINED_SAMPLES_METRIC, value: trained, n: trained },
    ]);
    updateRound(store, run.id, k, { stage: 'evaluate', status: 'completed', finishedAt: Date.now() });
  });
  done(`held-out overall ${(100 * result.score.overall).toFixed(1)}`);
}
