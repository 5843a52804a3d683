/**
 * The closed loop's settings and its progress events, as they cross from the engine to the CLI and the UI.
 * Plain JSON: a run stores its resolved LoopConfig verbatim, and events travel over IPC and WebSocket.
 */
import type { BucketThresholds, Family } from './proposer.js';
import type { IterationCounts, LoopStage, RunStatus } from './records.js';

/**
 * `closed-loop`: the controller steers the mix from the solver's confidences (the reference policy).
 * `no-feedback`: the same pipeline with a uniform mix every round. `static`: one uniformly generated set of
 * `staticSamples` accepted QA, drawn before training and reused every round (a static dataset).
 */
export type LoopMode = 'closed-loop' | 'no-feedback' | 'static';
export const LOOP_MODES: readonly LoopMode[] = ['closed-loop', 'no-feedback', 'static'];

export type ModelPreset = 'default' | 'large' | 'tiny';

export interface LoopConfig {
  name: string;
  mode: LoopMode;
  /** Scene sources (`synthetic:N`, `vsibench:<file>`, `scannet:<dir>`, …), loaded and saved into the store. */
  scenes: string[];
  /** Share of scenes held out for evaluation (disjoint from training; the split is recorded). */
  heldoutFraction: number;
  /** Rounds T. */
  iterations: number;
  /** Optimizer steps per round K. */
  steps: number;
  /** Batch size B. */
  batch: number;
  /** Constant learning rate (after the first round's warm-up). */
  lr: number;
  warmupSteps: number;
  thresholds: BucketThresholds;
  /** Candidate proposals asked for per round, spread over the mix. */
  candidates: number;
  /** Accepted samples trained on per round at most (0: all accepted of the round). */
  acceptPerRound: number;
  /** Controller strategy for closed-loop mode (`reference`, `target-band`, `bandit`). */
  strategy: string;
  /**
   * Closed loop: what a round trains on among the accepted questions the solver does not find easy.
   * `frontier-first`: frontier questions first, then hard ones to fill K × B (the loop's point: train where the
   * solver is uncertain). `all-but-easy`: a uniform draw from both.
   */
  selection: 'frontier-first' | 'all-but-easy';
  /** static mode: accepted QA in the fixed set. */
  staticSamples: number;
  /** Held-out benchmark: questions per family (fixed, seeded, stored once per scene set). */
  benchmarkPerFamily: number;
  model: ModelPreset;
  executionProvider: 'cuda' | 'cpu';
  /** onnxruntime intra-op threads; 0 leaves onnxruntime's default. */
  threads: number;
  /** Frames the solver observes per scene. */
  frames: number;
  /** Seeds proposals, batches and the model's initialisation. */
  seed: number;
  /**
   * Seeds what must stay the same across runs to compare them: the train / held-out split, the benchmark
   * questions and the solver's perception noise. Runs differing only in `seed` share one benchmark.
   */
  dataSeed: number;
  /**
   * A stored checkpoint (id) the solver starts from instead of a fresh initialisation: parameters and AdamW
   * state, so a new run can continue any earlier run's model. 0: start fresh.
   */
  initCheckpoint: number;
}

export type LoopConfigInput = Partial<LoopConfig>;

export interface FamilyScoreRow {
  family: Family | string;
  score: number;
  n: number;
}

export interface HeldoutScore {
  overall: number;
  families: FamilyScoreRow[];
}

/** A round's outcome as the per-iteration table shows it. */
export interface IterationSummary {
  iteration: number;
  counts: IterationCounts;
  /** Accepted samples trained on in this round, and in the run so far. */
  trainedSamples: number;
  samplesSeen: number;
  meanLoss: number | null;
  heldout: HeldoutScore | null;
  ms: number;
}

export type LoopEvent =
  | { type: 'run'; runId: string; status: RunStatus; message?: string }
  | { type: 'stage'; runId: string; iteration: number; stage: LoopStage; phase: 'start' | 'end'; ms?: number; detail?: string }
  | { type: 'progress'; runId: string; iteration: number; stage: LoopStage; done: number; total: number; unit: string; perSecond?: number }
  | { type: 'iteration'; runId: string; summary: IterationSummary }
  | { type: 'log'; runId: string; level: 'info' | 'warn' | 'error'; message: string };
