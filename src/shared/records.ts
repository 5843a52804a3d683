/**
 * Records of the training loop as they cross process boundaries (engine ↔ main ↔ renderer, IPC and HTTP): plain
 * JSON-able shapes, no classes, no typed arrays, no Node. The store persists exactly these; later stages produce
 * and consume them. Times are milliseconds since the Unix epoch. The proposer's vocabulary (families, answer
 * types, buckets, the generation mix) is in proposer.ts and used here as is.
 */
import type { AnswerType, Bucket, Mix, NamedObject, ProgramArgs } from './proposer.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ── Runs ─────────────────────────────────────────────────────────────────────────────────────────────────────

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'];

/** Statuses a run never leaves: a finished run is evidence and is not resumed in place (start a new run). */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Which status may follow which. Staying in the same status is always allowed (it refreshes `updatedAt`). */
export const RUN_STATUS_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['paused', 'completed', 'failed', 'cancelled'],
  paused: ['running', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * `closed-loop`: the controller adapts the generation mix every round (the product's point).
 * `no-feedback`: the same pipeline with a uniform mix every round. `static`: a fixed, uniformly generated
 * dataset reused every round. (Evaluating external questions is not a run: `exchange eval-questions`.)
 */
export type RunMode = 'closed-loop' | 'no-feedback' | 'static';

/** The run's settings as the user chose them; its shape is owned by the loop, the store keeps it verbatim. */
export type RunConfig = JsonObject;

/** Every seed the run derives its randomness from, by name (see shared/random.ts `fork`). */
export type RunSeeds = Record<string, number>;

export interface NewRun {
  /** Chosen by the store (a UUID) when omitted. */
  id?: string;
  name: string;
  mode: RunMode;
  config: RunConfig;
  seeds: RunSeeds;
  /** Version of the code that ran it (package version + git commit), so results can be traced to a build. */
  codeVersion: string;
  /**
   * What answers and trains, as the loop found it: `onnxruntime/cuda`, `onnxruntime/cpu` (or `… (requested)` before
   * the first session opened), or `endpoint <url> (model <name>)`.
   */
  provider: string;
}

export interface RunRecord extends Required<NewRun> {
  /** The researcher's labels for finding and grouping runs (sorted, distinct); none at creation. */
  tags: string[];
  /** The researcher's free-text notes on the run; '' when none. */
  notes: string;
  status: RunStatus;
  /** Why the run failed, when it did. */
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export type SceneSplit = 'train' | 'heldout';

export interface RunSceneEntry {
  sceneId: string;
  split: SceneSplit;
  /**
   * The version of the scene the run uses (store/scenes.ts › sceneVersion), pinned when the scene joined the run:
   * a later re-import under the same id makes a new version and leaves this one. Always set on entries read back
   * from the store; absent on entries about to be assigned (they get the scene's current version).
   */
  sceneVersion?: string;
}

// ── Rounds ───────────────────────────────────────────────────────────────────────────────────────────────

export type RoundStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The stages of one round, in order. */
export type LoopStage = 'propose' | 'filter' | 'solve' | 'control' | 'train' | 'evaluate';

export const LOOP_STAGES: readonly LoopStage[] = ['propose', 'filter', 'solve', 'control', 'train', 'evaluate'];

export interface RoundCounts {
  proposed: number;
  accepted: number;
  rejected: number;
  easy: number;
  frontier: number;
  hard: number;
}

export interface RoundRecord {
  runId: string;
  /** 0-based; round 0 is the round that starts from the base model. */
  round: number;
  status: RoundStatus;
  /** The stage running now, or the last one reached. */
  stage: LoopStage | null;
  startedAt: number | null;
  finishedAt: number | null;
  /**
   * Milliseconds its stages ran, through the last one completed: once the round is completed, its duration. Time
   * stopped (paused, killed) between start and finish is not in it, nor a stage cut short and redone. Null before
   * its first stage completes.
   */
  activeMs: number | null;
  counts: RoundCounts;
}

// ── Proposals (QA) ───────────────────────────────────────────────────────────────────────────────────────────

export type QaVerdict = 'accepted' | 'rejected';

export interface FilterVerdict {
  /** Name of the filter: one of the pipeline's `FILTER_ORDER` (`program`, `ambiguity`, `shortcut`, …). */
  filter: string;
  passed: boolean;
  reason?: string;
  /** The quantity the filter judged (a margin, a confidence, …). */
  value?: number;
}

/**
 * A proposed question with the program that computes its answer, and what the filters said about it. Rejected
 * proposals are kept too: rejection rates per filter are part of what a run reports.
 */
export interface NewQa {
  runId: string;
  round: number;
  sceneId: string;
  /** The proposal's deterministic id (`<sceneId>/<family>/<seed>`), so a question can be traced to its draft. */
  proposalId: string;
  /** Who proposed it: `programmatic`, or a model's name. */
  proposer: string;
  /**
   * A `Family` (proposer.ts). Typed as string because a workspace outlives builds and may hold families this
   * build does not know.
   */
  family: string;
  /** The knobs the proposer turned for this question (distractor count, distance margins, …). */
  difficulty: JsonObject;
  /** Coarse difficulty bin the question landed in: with scene and family, the cell of the generation mix. */
  bin: number;
  question: string;
  /** Lettered option texts for choice questions; null for numeric ones. */
  options: string[] | null;
  answerType: AnswerType;
  /** Ground truth as scored: the option letter for choice questions, the number for numeric ones; null when the program failed. */
  answer: string | number | null;
  /** Source of the program that computed the answer from the scene. */
  program: string;
  /** What the program returned (null when it failed to run). */
  programResult: JsonValue;
  verdict: QaVerdict;
  /** The first filter that rejected it; null when accepted. */
  rejectedBy: string | null;
  reason: string | null;
  filterVerdicts: FilterVerdict[];
  /** The objects the question names, in the proposer's order: the solver's label slots follow it. */
  named: NamedObject[];
  /** The program's arguments (a family's template reads them); null for a self-contained program. */
  args: ProgramArgs | null;
  /** The trajectory frame the question refers to (0-based), or null when it refers to none. */
  frame: number | null;
  seed: number;
}

export interface QaRecord extends NewQa {
  id: number;
  createdAt: number;
  /** Bucket, confidence and prediction of the latest solver output for this question (by round); null until answered. */
  bucket: Bucket | null;
  confidence: number | null;
  prediction: string | null;
  /** The round that trained on this question, or null when none did (yet). */
  trainedRound: number | null;
}

// ── Solver ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * How a stored confidence was obtained. `teacher-forced`: the built-in solver's probability of the ground-truth
 * answer from its full answer distribution. `ground-truth-logprob`: an endpoint's probability of the ground-truth
 * option letter, read from the top log-probabilities at the answer position. `answer-tokens`: an endpoint that
 * cannot score the ground truth (numeric answers, or the letter outside its top log-probabilities): the geometric
 * mean of its own answer tokens' probabilities, times that answer's VSI-Bench score (0 when wrong).
 */
export type ConfidenceMethod = 'teacher-forced' | 'ground-truth-logprob' | 'answer-tokens';

export interface NewSolverOutput {
  qaId: number;
  /** The round in which the solver answered (may be later than the question's own round). */
  round: number;
  /** Checkpoint that answered; null for the base model. */
  checkpointId: number | null;
  prediction: string;
  /**
   * The ground-truth confidence, in [0, 1]: the solver's probability of the ground-truth answer, obtained as
   * `confidenceMethod` says. Buckets are cut from it. Not the prediction confidence (the probability of the solver's
   * own answer), which is what benchmark predictions carry.
   */
  confidence: number;
  /** `bucketOf(confidence)` (proposer.ts) with the run's thresholds. */
  bucket: Bucket;
  answerTokenProbs: number[];
  /** p̂: the expected benchmark score of an answer drawn from the solver; null where not computed (older runs). */
  pCorrect?: number | null;
  /** Teacher-forced loss −log P(ground-truth answer class); null where not computed. */
  loss?: number | null;
  /** The irreducible-loss (reference) model's loss on the same question; null unless the rule is reducible-loss. */
  referenceLoss?: number | null;
  /** The score the run's selection rule gave the question (higher = trained on first); null for rules without one. */
  selectionScore?: number | null;
  /** How `confidence` was obtained; null for rows stored before this was recorded (all teacher-forced). */
  confidenceMethod?: ConfidenceMethod | null;
}

export interface SolverOutputRecord extends Required<NewSolverOutput> {
  id: number;
  runId: string;
  createdAt: number;
}

// ── Training, evaluation, control ────────────────────────────────────────────────────────────────────────────

export interface TrainingStatRecord {
  runId: string;
  round: number;
  /** Optimizer step, counted over the whole run. */
  step: number;
  loss: number;
  lr: number;
  gradNorm: number | null;
  /** Milliseconds since the round's training stage started. */
  elapsedMs: number;
}

export interface BenchmarkSetRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
}

export interface NewBenchmarkQuestion {
  sceneId: string;
  family: string;
  question: string;
  options: string[] | null;
  answerType: AnswerType;
  answer: string | number;
  /** The objects the question names, as the proposer recorded them; null when the benchmark does not say (an imported one). */
  named: NamedObject[] | null;
  /** The trajectory frame the question refers to (0-based), or null. */
  frame: number | null;
  /** Anything else the benchmark carries (its own question id, source dataset, …). */
  metadata: JsonObject;
}

export interface BenchmarkQuestionRecord extends NewBenchmarkQuestion {
  id: number;
  setId: string;
}

export interface MetricRecord {
  runId: string;
  round: number;
  benchmarkSetId: string;
  /** Question family; null for the figure over all families. */
  family: string | null;
  /** e.g. `accuracy`, `mra`, `score`. */
  metric: string;
  value: number;
  /** Questions the figure is computed over. */
  n: number;
}

export interface ControllerDecisionRecord {
  runId: string;
  /** The round whose outcomes were read; the weights apply to the next one. */
  round: number;
  strategy: string;
  /** The mix the round was generated with, and the one set for the next. */
  weightsBefore: Mix;
  weightsAfter: Mix;
  /** The statistics the decision was made from (bucket rates per family, …). */
  stats: JsonObject;
  /** One sentence a person can read in the UI. */
  reason: string;
  createdAt: number;
}

export interface CheckpointRef {
  id: number;
  runId: string;
  round: number;
  /** SHA-256 (hex) of the checkpoint file in the workspace's blob folder. */
  blobHash: string;
  sizeBytes: number;
  /** Model/training configuration the checkpoint was produced with. */
  config: JsonObject;
  optimizerStep: number;
  createdAt: number;
}
