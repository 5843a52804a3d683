/**
 * The learnable solver: answers spatial questions about an observed scene with a confidence, and is
 * fine-tuned round after round on the QA the loop accepts.
 *
 * Training runs the emitted ONNX train-step graph (forward, backward, AdamW in one call); the optimizer state
 * lives on across train() calls and in checkpoints, so round k+1 continues exactly where round k stopped.
 * Batches are drawn in seeded epochs — a fresh permutation whenever the previous one is used up — from a
 * stream named after the update count, so a restored checkpoint draws what the original would have.
 *
 * Failure handling. Non-finite inputs are refused before any step, naming the sample and field. A step whose
 * loss is not finite or exceeds DIVERGENCE_LOSS stops training: the parameters go back to the last state
 * whose own loss was sound (the state before the failing step already produced that failing loss), and the
 * result says so in `stopped`.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../../shared/errors.js';
import { createRng, hashSeed, type Rng } from '../../shared/random.js';
import { scorePrediction } from '../eval/vsiScore.js';
import { FAMILY_FACTS } from '../familyFacts.js';
import { ANSWER_CLASSES, LETTERS, classConfidence, answerTokenProbs, decodeAnswer, expectedScore, unitOf } from './answers.js';
import { CheckpointError, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { EncodingCache, encodingSettingsKey } from './encodingCache.js';
import { type EncodedSample, type SolverQuestion, type SolverSample, encodeSample, concatFeeds, optionText, stackBatch } from './features.js';
import { ANSWER_LOGP, DEFAULT_MODEL, type SolverModelConfig, checkModelConfig, solverInputs, solverModel } from './model.js';
import { type AdamWConfig, DEFAULT_ADAMW } from './onnx/optimizer.js';
import { type BuiltModel, OUTPUT_NAMES, buildInferenceModel, buildTrainStepModel, type InferenceManifest } from './onnx/model.js';
import { type Batch, type Feed, OnnxPredictor, OnnxTrainer, type TrainState, initParams } from './onnx/runtime.js';
import { PredictorPool } from './onnx/predictorPool.js';
import { type ExecutionProvider, createWithProvider } from './providers.js';
import { Vocabulary, type VocabularyData, defaultVocabulary } from './tokenizer.js';

/** A loss above this is divergence, not a hard batch: a uniform guess over every class costs ln 171 ≈ 5. */
export const DIVERGENCE_LOSS = 1e4;

export interface SolverConfig {
  model: SolverModelConfig;
  /** AdamW constants, baked into the train graph; the learning rate is per call. */
  optimizer: AdamWConfig;
  /** Gaussian spread (in bins) of a measured answer's training target. */
  sigmaBins: number;
  /** Samples per inference call; the last chunk is padded. */
  inferenceBatch: number;
  vocabulary: VocabularyData;
}

export interface SolverConfigInput {
  model?: Partial<SolverModelConfig>;
  optimizer?: Partial<AdamWConfig>;
  sigmaBins?: number;
  inferenceBatch?: number;
  /** A vocabulary to use as is (e.g. from another solver); default: question templates + default labels. */
  vocabulary?: VocabularyData;
  /** Labels to add to the default vocabulary (ignored when `vocabulary` is given). */
  extraLabels?: string[];
}

export interface SolverRuntimeOptions {
  /** 'cuda' tries CUDA first and falls back to the CPU with a logged reason; default 'cpu'. */
  executionProvider?: ExecutionProvider;
  /**
   * onnxruntime intra-op threads of the in-process sessions (training, and answering on the calling thread);
   * default: one per core, at most MAX_DEFAULT_THREADS. Only speed depends on it: products MLAS would split by
   * columns are cut into explicit K blocks (onnx/kBlocks.ts), so every count gives the same numbers
   * (test/engine/solver/determinism.test.ts). Until 2026-12-05 the count rounded the step differently and was
   * pinned to one, which left all other cores idle while training.
   */
  threads?: number;
  /**
   * Inference lanes on the CPU: worker threads running whole batches side by side, each with a one-thread session,
   * so results do not depend on the count (onnx/predictorPool.ts). 0 answers in process, on the calling thread.
   * Default: one per core, at most 8, where that is two or more, else 0.
   */
  inferenceWorkers?: number;
  /**
   * Optimizer steps per onnxruntime call (a Loop-of-K train step, onnx/model.ts). Parameters and AdamW moments
   * cross between JS and the runtime once per call, so on CUDA — where onnxruntime-node cannot keep outputs on the
   * device between calls — this is what keeps the state on the GPU for K steps. Default: STEPS_PER_CALL_CUDA
   * on CUDA, 1 on the CPU, where the copy is 1–3% of a step and one step per call keeps results bit-identical
   * to earlier runs (a Loop's steps agree with single steps to ~1e-6, not bit for bit). Warm-up steps, which
   * change the learning rate every step, and a remainder shorter than K run one per call.
   */
  stepsPerCall?: number;
  log?: (message: string) => void;
}

/** Intra-op threads of the in-process sessions unless set (`SolverRuntimeOptions.threads`): onnxruntime's step
 * scaled 3.5× from 1 to 16 threads on a 16-core Xeon (README › On a GPU) and gains little past that. */
const MAX_DEFAULT_THREADS = 16;
export const defaultThreads = (): number => Math.min(MAX_DEFAULT_THREADS, availableParallelism());
/** Inference lanes at most, by default: each holds a session and its memory arena. */
const MAX_INFERENCE_WORKERS = 8;

/** Steps per call on CUDA unless set: a copy of the state per 16 steps instead of per step. */
export const STEPS_PER_CALL_CUDA = 16;

export interface TrainOptions {
  steps: number;
  batch: number;
  lr: number;
  /** Linear warm-up over the first steps of this call (default 0). */
  warmupSteps?: number;
  /**
   * Steps between copies of the state the divergence guard can fall back to (default 1). Each copy is
   * params + both moments; on a large model a wider interval trades a longer possible rollback for less
   * copying.
   */
  snapshotEvery?: number;
  /** Checked before every step: an aborted signal stops training with `stopped` saying so. */
  signal?: AbortSignal;
  /** Called after every completed step (progress bars, live loss curves). */
  onStep?: (done: number, loss: number) => void;
  /**
   * Shows each drawn choice question with its options in a fresh random order (the answer letter follows its
   * option), for the families whose options name objects (FamilyFacts.permutableOptions). Without it the
   * solver can memorise which lettered ordering a scene's question had instead of learning what makes an
   * option right: on appearance order alone, held-out accuracy went from 33% to 42%.
   */
  permuteOptions?: boolean;
}

/**
 * The question with its options in a random order; the ground-truth letter follows its option. Only families
 * whose options name objects are shuffled (see FamilyFacts.permutableOptions); a family this build does not
 * know keeps its order.
 */
export function permuteChoiceOptions(qa: SolverQuestion, rng: Rng): SolverQuestion {
  if (FAMILY_FACTS[qa.family]?.permutableOptions !== true || qa.answerType !== 'choice' || !qa.options || qa.options.length < 2 || typeof qa.answer !== 'string') return qa;
  const texts = qa.options.map(optionText);
  const correct = LETTERS.indexOf(qa.answer as (typeof LETTERS)[number]);
  if (correct < 0 || correct >= texts.length) return qa;
  const order = rng.shuffle(texts.map((_, i) => i));
  return { ...qa, options: order.map((k, i) => `${LETTERS[i]}. ${texts[k]}`), answer: LETTERS[order.indexOf(correct)]! };
}

export interface TrainResult {
  /** Loss per completed optimizer step. */
  losses: number[];
  gradNorms: number[];
  /** The learning rate each completed step used (after warm-up): recorded as it was, never recomputed. */
  lrs: number[];
  /**
   * Per sample, the ground-truth confidence (teacher-forced: geometric mean of the ground-truth answer's token
   * probabilities) from the last training forward pass that included it; NaN for a sample no batch drew.
   */
  groundTruthConfidences: Float32Array;
  /** Optimizer steps completed by this call. */
  steps: number;
  /** Set when training stopped early, with the reason. */
  stopped?: string;
  provider: ExecutionProvider;
  ms: number;
}

export interface Prediction {
  /** An option letter or a number. */
  prediction: string | number;
  /**
   * Prediction confidence: geometric mean of the predicted answer's token probabilities (one token: its probability).
   * Not the ground-truth confidence the loop buckets by (`SolverAnswer.groundTruthConfidence`).
   */
  predictionConfidence: number;
  answerClass: number;
}

/** One inference pass over a question: the solver's own answer and how it stands towards the ground truth. */
export interface SolverAnswer extends Prediction {
  /** Ground-truth confidence, teacher-forced: geometric mean of the ground-truth answer's token probabilities (NaN without one). */
  groundTruthConfidence: number;
  answerTokenProbs: number[];
  /** p̂: expected benchmark score of an answer drawn from the model (`expectedScore`); NaN without a ground truth. */
  pCorrect: number;
  /** −log P(ground-truth answer class): the per-sample loss RHO-LOSS compares with a reference model's. */
  loss: number;
}

interface CheckpointHeader {
  format: 'ouroboros-solver';
  seed: number;
  step: number;
  config: SolverConfig;
}

function resolveConfig(input: SolverConfigInput): SolverConfig {
  const model = { ...DEFAULT_MODEL, ...input.model };
  checkModelConfig(model);
  const optimizer: AdamWConfig = { ...DEFAULT_ADAMW, clipGradNorm: 1, ...input.optimizer };
  const sigmaBins = input.sigmaBins ?? 1;
  const inferenceBatch = input.inferenceBatch ?? 64;
  if (!(sigmaBins >= 0)) throw new RangeError(`sigmaBins must be ≥ 0, got ${sigmaBins}`);
  if (!Number.isInteger(inferenceBatch) || inferenceBatch < 1) throw new RangeError(`inferenceBatch must be a positive integer, got ${inferenceBatch}`);
  const vocabulary = input.vocabulary ? Vocabulary.fromJSON(input.vocabulary).toJSON() : defaultVocabulary(input.extraLabels).toJSON();
  return { model, optimizer, sigmaBins, inferenceBatch, vocabulary };
}

export class Solver {
  /** The trainer that holds the current state; others built for another steps-per-call wait in `idle`. */
  private trainer: { batch: number; k: number; trainer: OnnxTrainer } | undefined;
  private readonly idle = new Map<string, OnnxTrainer>();
  private predictor: OnnxPredictor | undefined;
  private predictorModel: BuiltModel<InferenceManifest> | undefined;
  private pool: Promise<PredictorPool | undefined> | undefined;
  /** State to start from while no trainer exists (fresh init or a checkpoint). */
  private pending: TrainState | undefined;
  private chosen: ExecutionProvider | undefined;
  private readonly log: (message: string) => void;

  private constructor(
    readonly config: SolverConfig,
    readonly seed: number,
    readonly vocabulary: Vocabulary,
    private readonly runtime: SolverRuntimeOptions,
  ) {
    this.log = runtime.log ?? ((m) => console.warn(m));
  }

  static async create(config: SolverConfigInput = {}, seed = 0, runtime: SolverRuntimeOptions = {}): Promise<Solver> {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    checkRuntime(runtime);
    const resolved = resolveConfig(config);
    const solver = new Solver(resolved, seed, Vocabulary.fromJSON(resolved.vocabulary), runtime);
    await solver.ensurePredictor();
    return solver;
  }

  /** Restores a solver from checkpoint() bytes; refuses a corrupt, truncated or mismatched file. */
  static async fromCheckpoint(bytes: Uint8Array, runtime: SolverRuntimeOptions = {}): Promise<Solver> {
    checkRuntime(runtime);
    const c = readCheckpoint<CheckpointHeader>(bytes);
    const h = c.header;
    if (!h || h.format !== 'ouroboros-solver' || !h.config) throw new CheckpointError('header is not a solver header');
    let config: SolverConfig;
    try {
      config = resolveConfig(h.config);
    } catch (e) {
      throw new CheckpointError(`header has an invalid configuration (${(e as Error).message})`);
    }
    const solver = new Solver(config, h.seed, Vocabulary.fromJSON(config.vocabulary), runtime);
    const expected = solver.inferenceModel(1).manifest.params;
    const names = new Set(c.tensors.map((t) => t.name));
    for (const p of expected) {
      const t = c.tensors.find((x) => x.name === p.name);
      if (!t || t.shape.join('x') !== p.shape.join('x')) throw new CheckpointError(`parameter "${p.name}" is missing or has the wrong shape`);
      names.delete(p.name);
    }
    if (names.size > 0) throw new CheckpointError(`unexpected tensors: ${[...names].slice(0, 5).join(', ')}`);
    if (!Number.isInteger(h.step) || h.step < 0) throw new CheckpointError(`bad step count ${h.step}`);
    solver.pending = { step: h.step, params: c.params, m: c.m, v: c.v };
    await solver.ensurePredictor();
    return solver;
  }

  /** The execution provider sessions run on (decided by the first session created). */
  get provider(): ExecutionProvider {
    return this.chosen ?? 'cpu';
  }

  /** Optimizer updates made so far, across every train() call and restored checkpoints. */
  get step(): number {
    return this.trainer?.trainer.step ?? this.pending?.step ?? 0;
  }

  private sizes(): { words: number; labels: number } {
    return { words: this.vocabulary.size, labels: this.vocabulary.labelRows };
  }

  private inferenceModel(batch: number): ReturnType<typeof buildInferenceModel> {
    const m = this.config.model;
    return buildInferenceModel(solverModel(m, this.sizes(), batch), solverInputs(m, batch), { withLoss: true, name: 'solver' });
  }

  private async session<T>(create: (providers: string[]) => Promise<T>): Promise<T> {
    if (this.chosen) return create([this.chosen]);
    const choice = await createWithProvider(this.runtime.executionProvider ?? 'cpu', create, this.log);
    this.chosen = choice.provider;
    return choice.value;
  }

  private sessionOptions(providers: string[], threads = this.runtime.threads ?? defaultThreads()): { executionProviders: string[]; intraOpNumThreads: number } {
    return { executionProviders: providers, intraOpNumThreads: threads };
  }

  private async ensurePredictor(): Promise<OnnxPredictor> {
    if (!this.predictor) {
      const model = this.inferenceModel(this.config.inferenceBatch);
      this.predictor = await this.session((p) => OnnxPredictor.create(model, this.sessionOptions(p)));
      this.predictorModel = model;
      if (!this.pending && !this.trainer) this.pending = freshState(model.manifest, this.seed);
    }
    return this.predictor;
  }

  /** Inference lanes for a pass of several batches on the CPU; none where the calling thread answers (see `inferenceWorkers`). */
  private async ensurePool(): Promise<PredictorPool | undefined> {
    if (this.provider !== 'cpu') return undefined;
    const cores = Math.min(MAX_INFERENCE_WORKERS, availableParallelism());
    const lanes = this.runtime.inferenceWorkers ?? (cores >= 2 ? cores : 0);
    if (lanes === 0) return undefined;
    // Lanes that cannot start (a host without worker threads) cost speed, not the answer: the calling thread answers.
    // One thread a lane: lanes answer whole batches side by side, which beat one session on every core (README › The solver).
    this.pool ??= PredictorPool.create(this.predictorModel!, this.sessionOptions(['cpu'], 1), lanes).catch((e: unknown) => {
      this.log(`solver: ${lanes} inference lanes did not start (${e instanceof Error ? e.message : String(e)}); answering on the calling thread`);
      return undefined;
    });
    return this.pool;
  }

  /** The trainer for `batch` samples and `k` steps per call, holding the current state. */
  private async ensureTrainer(batch: number, k = 1): Promise<OnnxTrainer> {
    const current = this.trainer;
    if (current?.batch === batch && current.k === k) return current.trainer;
    let trainer = this.idle.get(`${batch}x${k}`);
    if (trainer) this.idle.delete(`${batch}x${k}`);
    else {
      const m = this.config.model;
      const model = buildTrainStepModel(solverModel(m, this.sizes(), batch), solverInputs(m, batch), { optimizer: this.config.optimizer, name: 'solver_train', stepsPerRun: k });
      trainer = await this.session((p) => OnnxTrainer.create(model, { seed: this.seed, ...this.sessionOptions(p) }));
    }
    const from = current ? current.trainer.state() : this.pending;
    if (from) trainer.loadState(from);
    // A trainer of the same batch size is kept for the next switch (single steps ↔ Loop); other sizes are done.
    if (current && current.batch === batch) this.idle.set(`${current.batch}x${current.k}`, current.trainer);
    else if (current) await current.trainer.dispose();
    for (const [key, t] of this.idle) {
      if (key.startsWith(`${batch}x`)) continue;
      this.idle.delete(key);
      await t.dispose();
    }
    this.trainer = { batch, k, trainer };
    this.pending = undefined;
    return trainer;
  }

  /** Steps per call: the runtime option, else by the provider the sessions run on. */
  private get stepsPerCall(): number {
    return this.runtime.stepsPerCall ?? (this.provider === 'cuda' ? STEPS_PER_CALL_CUDA : 1);
  }

  private currentParams(): ReadonlyMap<string, Float32Array> {
    if (this.trainer) return this.trainer.trainer.params();
    return new Map(Object.entries(this.pending!.params));
  }

  /**
   * Encodings shared by every solver in the process (the loop makes one per round from a checkpoint), keyed by
   * content and settings: see encodingCache.ts.
   */
  static readonly encodings = new EncodingCache();
  private settingsKey: string | undefined;

  /** One sample's encoding, from the cache when the same question over the same observation was encoded before. */
  private encodeOne(s: SolverSample, index: number, answers: 'require' | 'optional' | 'ignore'): EncodedSample {
    const answered = s.qa.answer !== undefined && answers !== 'ignore';
    // A missing answer that training requires is an error, never cached: encodeSample throws it with the sample's name.
    if (!answered && answers === 'require') return encodeSample(s, this.vocabulary, this.config.model, index, { sigmaBins: this.config.sigmaBins, answers });
    this.settingsKey ??= encodingSettingsKey([this.config.vocabulary, this.config.model, this.config.sigmaBins]);
    const key = Solver.encodings.key(this.settingsKey, answered ? 'with-answer' : 'without-answer', s.qa, s.observation);
    const name = s.qa.id ? `sample "${s.qa.id}"` : `sample ${index}`;
    const hit = Solver.encodings.get(key);
    // The name only labels errors raised while encoding; a sample without an id is named by its position.
    if (hit) return hit.name === name ? hit : { ...hit, name };
    const e = encodeSample(s, this.vocabulary, this.config.model, index, { sigmaBins: this.config.sigmaBins, answers: answered ? 'require' : 'ignore' });
    Solver.encodings.set(key, e);
    return e;
  }

  private encode(samples: readonly SolverSample[], answers: 'require' | 'optional' | 'ignore'): EncodedSample[] {
    return samples.map((s, i) => this.encodeOne(s, i, answers));
  }

  async train(samples: readonly SolverSample[], options: TrainOptions): Promise<TrainResult> {
    const t0 = performance.now();
    const { steps, batch, lr } = options;
    const warmup = options.warmupSteps ?? 0;
    const every = options.snapshotEvery ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a positive integer, got ${every}`);
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    if (!Number.isFinite(lr) || lr <= 0) throw new RangeError(`lr must be a positive finite number, got ${lr}`);
    if (samples.length === 0) throw new InputError({ message: 'no samples to train on' });
    const encoded = this.encode(samples, 'require');
    const first = await this.ensureTrainer(batch);

    const rng = createRng(hashSeed(this.seed, `batches@${first.step}`));
    const permuteRng = createRng(hashSeed(this.seed, `permute@${first.step}`));
    const permuted = (indices: number[]): EncodedSample[] =>
      indices.map((idx) => {
        const s = samples[idx]!;
        const qa = permuteChoiceOptions(s.qa, permuteRng);
        return qa === s.qa ? encoded[idx]! : this.encodeOne({ qa, observation: s.observation }, idx, 'require');
      });
    let order: number[] = [];
    const draw = (): number[] => {
      const out: number[] = [];
      while (out.length < batch) {
        if (order.length === 0) order = rng.shuffle(Array.from(encoded, (_, i) => i));
        out.push(order.pop()!);
      }
      return out;
    };

    const confidences = new Float32Array(samples.length).fill(Number.NaN);
    const losses: number[] = [];
    const gradNorms: number[] = [];
    const lrs: number[] = [];
    // A state is known good once the step that starts from it reports a sound loss.
    let lastGood: TrainState | undefined;
    let start: TrainState | undefined;
    let stopped: string | undefined;
    const perCall = this.stepsPerCall;
    for (let s = 0; s < steps; ) {
      if (options.signal?.aborted) {
        stopped = `cancelled after ${s} of ${steps} steps`;
        break;
      }
      // A Loop call shares one learning rate: warm-up steps and a short remainder go one by one.
      const k = perCall > 1 && s >= warmup && steps - s >= perCall ? perCall : 1;
      const trainer = await this.ensureTrainer(batch, k);
      const chunk = Array.from({ length: k }, () => draw());
      // The state before the call is the fallback when any of its steps diverges (a call cannot stop midway).
      const snapshot = k > 1 || s % every === 0 ? trainer.state() : undefined;
      start ??= snapshot;
      const stepLr = warmup > 0 && s < warmup ? (lr * (s + 1)) / warmup : lr;
      const batches = chunk.map((indices) =>
        options.permuteOptions ? stackBatch(permuted(indices), indices.map((_, j) => j), this.config.model) : stackBatch(encoded, indices, this.config.model),
      );
      const r = await trainer.train(k === 1 ? batches[0]! : concatFeeds(batches), stepLr);
      const bad = Array.from({ length: k }, (_, i) => i).find((i) => !Number.isFinite(r.losses[i]!) || r.losses[i]! > DIVERGENCE_LOSS || !Number.isFinite(r.gradNorms[i] ?? Number.NaN));
      if (bad !== undefined) {
        const update = trainer.step - k + bad + 1;
        const restored = lastGood ?? start!;
        trainer.loadState(restored);
        stopped =
          `training diverged at update ${update} (loss ${r.losses[bad]}, gradient norm ${r.gradNorms[bad] ?? Number.NaN}); stopped and restored the parameters ` +
          (lastGood
            ? `after update ${restored.step}, the last saved state whose loss was sound`
            : `this call started from (after update ${restored.step}): its very first step diverged, so check the inputs and the learning rate`);
        this.log(`solver: ${stopped}`);
        break;
      }
      if (snapshot) lastGood = snapshot;
      chunk.forEach((indices, i) => {
        losses.push(r.losses[i]!);
        gradNorms.push(r.gradNorms[i]!);
        lrs.push(stepLr);
        const logProbs = r.perSampleLogProbs.subarray(i * batch, (i + 1) * batch);
        indices.forEach((idx, j) => (confidences[idx] = classConfidence(samples[idx]!.qa, logProbs[j]!)));
        options.onStep?.(losses.length, r.losses[i]!);
      });
      s += k;
    }
    return {
      losses,
      gradNorms,
      lrs,
      groundTruthConfidences: confidences,
      steps: losses.length,
      ...(stopped ? { stopped } : {}),
      provider: this.provider,
      ms: performance.now() - t0,
    };
  }

  /**
   * Runs the inference graph over samples in padded chunks; `read` gets each real sample's outputs and encoding.
   * Samples are encoded a batch at a time, as the batch is stacked, so the lanes answer one batch while this
   * thread encodes the next (an encoding is a pure function of the sample: the order changes nothing).
   */
  private async infer(
    samples: readonly SolverSample[],
    answers: 'require' | 'optional' | 'ignore',
    read: (i: number, logp: Float32Array, answerLogProb: number, encoded: EncodedSample) => void,
  ): Promise<void> {
    const predictor = await this.ensurePredictor();
    const params = this.currentParams();
    const b = this.config.inferenceBatch;
    const encoded: EncodedSample[] = new Array(samples.length);
    const batches = Math.ceil(samples.length / b);
    // Padding repeats the last real sample: a fully masked row would be valid too, but this keeps every
    // row a realistic input for onnxruntime's kernels.
    const batchAt = (k: number): Batch => {
      const start = k * b;
      const n = Math.min(b, samples.length - start);
      for (let i = start; i < start + n; i++) encoded[i] = this.encodeOne(samples[i]!, i, answers);
      return stackBatch(encoded, Array.from({ length: b }, (_, j) => start + Math.min(j, n - 1)), this.config.model);
    };
    const readBatch = (k: number, out: Record<string, Feed>): void => {
      const logp = out[ANSWER_LOGP] as Float32Array;
      const picked = out[OUTPUT_NAMES.perSampleLogProbs] as Float32Array;
      const start = k * b;
      const n = Math.min(b, samples.length - start);
      for (let j = 0; j < n; j++) read(start + j, logp.subarray(j * ANSWER_CLASSES, (j + 1) * ANSWER_CLASSES), picked[j]!, encoded[start + j]!);
    };
    const pool = batches > 1 ? await this.ensurePool() : undefined;
    if (pool) return pool.runAll(batches, batchAt, params, readBatch);
    for (let k = 0; k < batches; k++) readBatch(k, await predictor.run(batchAt(k), params));
  }

  /** The solver's own answers: the most probable valid answer token and its probability. */
  async predict(samples: readonly SolverSample[]): Promise<Prediction[]> {
    const out: Prediction[] = new Array(samples.length);
    await this.infer(samples, 'ignore', (i, logp, _lp, { bias }) => {
      let best = -1;
      for (let c = 0; c < ANSWER_CLASSES; c++) if (bias[c] === 0 && (best < 0 || logp[c]! > logp[best]!)) best = c;
      out[i] = { prediction: decodeAnswer(samples[i]!.qa, best), predictionConfidence: classConfidence(samples[i]!.qa, logp[best]!), answerClass: best };
    });
    return out;
  }

  /**
   * The solver's own answers spelled as tokens, for serving it behind a chat-completions API (host/chatCompletions.ts):
   * each answer token's probability and, for a choice question, every valid letter's probability (the top
   * alternatives at the answer position).
   */
  async explain(samples: readonly SolverSample[]): Promise<(Prediction & { tokenProbs: number[]; letters: { letter: string; p: number }[] })[]> {
    const out: (Prediction & { tokenProbs: number[]; letters: { letter: string; p: number }[] })[] = new Array(samples.length);
    await this.infer(samples, 'ignore', (i, logp, _lp, { bias }) => {
      const qa = samples[i]!.qa;
      let best = -1;
      for (let c = 0; c < ANSWER_CLASSES; c++) if (bias[c] === 0 && (best < 0 || logp[c]! > logp[best]!)) best = c;
      const letters: { letter: string; p: number }[] = [];
      if (unitOf(qa) === 'choice') {
        for (let c = 0; c < ANSWER_CLASSES; c++) if (bias[c] === 0) letters.push({ letter: String(decodeAnswer(qa, c)), p: Math.exp(logp[c]!) });
        letters.sort((a, b) => b.p - a.p);
      }
      out[i] = { prediction: decodeAnswer(qa, best), predictionConfidence: classConfidence(qa, logp[best]!), answerClass: best, tokenProbs: answerTokenProbs(qa, logp, best), letters };
    });
    return out;
  }

  /**
   * One inference pass giving both the solver's own answer and the teacher-forced confidence of the ground
   * truth (NaN for a sample without one) — what the loop's solve stage records per candidate.
   */
  async answer(samples: readonly SolverSample[]): Promise<SolverAnswer[]> {
    const out: SolverAnswer[] = new Array(samples.length);
    await this.infer(samples, 'optional', (i, logp, lp, e) => {
      const bias = e.bias;
      let best = -1;
      for (let c = 0; c < ANSWER_CLASSES; c++) if (bias[c] === 0 && (best < 0 || logp[c]! > logp[best]!)) best = c;
      const qa = samples[i]!.qa;
      const hasAnswer = qa.answer !== undefined;
      out[i] = {
        prediction: decodeAnswer(qa, best),
        predictionConfidence: classConfidence(qa, logp[best]!),
        answerClass: best,
        groundTruthConfidence: hasAnswer ? classConfidence(qa, lp) : Number.NaN,
        answerTokenProbs: hasAnswer ? answerTokenProbs(qa, logp, e.answer ?? best) : [],
        pCorrect: hasAnswer ? expectedScore(qa, logp, qa.answer!, (p, t) => scorePrediction(qa.family, p, t)) : Number.NaN,
        loss: hasAnswer ? -lp : Number.NaN,
      };
    });
    return out;
  }

  /** Teacher-forced confidence of each sample's ground-truth answer, without training (held-out samples). */
  async score(samples: readonly SolverSample[]): Promise<Float32Array> {
    const out = new Float32Array(samples.length);
    await this.infer(samples, 'require', (i, _logp, lp) => (out[i] = classConfidence(samples[i]!.qa, lp)));
    return out;
  }

  /** Parameters, AdamW moments, update count, configuration and vocabulary, as checkpoint bytes. */
  checkpoint(): Uint8Array {
    const state = this.trainer ? this.trainer.trainer.state() : this.pending!;
    const manifest = this.predictor ? this.predictor.manifest : this.inferenceModel(1).manifest;
    const header: CheckpointHeader = { format: 'ouroboros-solver', seed: this.seed, step: state.step, config: this.config };
    return writeCheckpoint({
      header,
      tensors: manifest.params.map((p) => ({ name: p.name, shape: [...p.shape] })),
      params: state.params,
      m: state.m,
      v: state.v,
    });
  }

  async dispose(): Promise<void> {
    await this.trainer?.trainer.dispose();
    for (const t of this.idle.values()) await t.dispose();
    this.idle.clear();
    await this.predictor?.dispose();
    const pool = this.pool;
    this.pool = undefined;
    await (await pool)?.dispose();
    this.trainer = undefined;
    this.predictor = undefined;
  }
}

function checkRuntime(runtime: SolverRuntimeOptions): void {
  const k = runtime.stepsPerCall;
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 1024)) throw new RangeError(`stepsPerCall must be an integer from 1 to 1024, got ${k}`);
  const t = runtime.threads;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 256)) throw new RangeError(`threads must be an integer from 1 to 256, got ${t}`);
  const w = runtime.inferenceWorkers;
  if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > 64)) throw new RangeError(`inferenceWorkers must be an integer from 0 to 64, got ${w}`);
}

function freshState(manifest: InferenceManifest, seed: number): TrainState {
  const params = initParams(manifest.params, seed);
  const zeros = (): Record<string, Float32Array> => Object.fromEntries(manifest.params.map((p) => [p.name, new Float32Array(params.get(p.name)!.length)]));
  return { step: 0, params: Object.fromEntries(params), m: zeros(), v: zeros() };
}
