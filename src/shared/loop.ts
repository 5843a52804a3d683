/**
 * The closed loop's settings and its progress events, as they cross from the engine to the CLI and the UI.
 * Plain JSON: a run stores its resolved LoopConfig verbatim, and events travel over IPC and WebSocket.
 */
import type { BucketThresholds, Family } from './proposer.js';
import type { RoundCounts, LoopStage, RunStatus } from './records.js';

/**
 * `closed-loop`: the controller steers the mix from the solver's confidences (the reference policy).
 * `no-feedback`: the same pipeline with a uniform mix every round. `static`: one uniformly generated set of
 * `staticSamples` accepted QA, drawn before training and reused every round (a static dataset).
 */
export type LoopMode = 'closed-loop' | 'no-feedback' | 'static';
export const LOOP_MODES: readonly LoopMode[] = ['closed-loop', 'no-feedback', 'static'];

export type ModelPreset = 'default' | 'large' | 'tiny';

export type LoopSelection = 'frontier-first' | 'all-but-easy' | 'top-score';
export const LOOP_SELECTIONS: readonly LoopSelection[] = ['frontier-first', 'all-but-easy', 'top-score'];
/** Strategies whose per-sample score ranks the questions a round trains on. */
export const SCORE_STRATEGIES: readonly string[] = ['learnability', 'reducible-loss'];

export interface LoopConfig {
  name: string;
  mode: LoopMode;
  /** Scene sources (`synthetic:N`, `vsibench:<file>`, `scannet:<dir>`, …), loaded and saved into the store. */
  scenes: string[];
  /**
   * Sources of the held-out scenes. Empty: `heldoutFraction` of `scenes` is held out (seeded by dataSeed).
   * Otherwise every scene of `scenes` trains and these are held out (a scene in both is refused).
   */
  heldoutScenes: string[];
  /** Share of scenes held out for evaluation when `heldoutScenes` is empty (the split is recorded). */
  heldoutFraction: number;
  /** Rounds T. */
  rounds: number;
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
  /**
   * The closed loop's selection rule, steering the generation mix (`reference`, `learnability`,
   * `reducible-loss`, `target-band`, `bandit`). `learnability` and `reducible-loss` also rank the accepted
   * questions a round trains on (selection `top-score`).
   */
  strategy: string;
  /**
   * Closed loop: what a round trains on among the accepted questions.
   * `frontier-first`: frontier questions first, then hard ones to fill K × B, never easy ones (the reference
   * rule). `all-but-easy`: a uniform draw from frontier and hard. `top-score`: the K × B questions the rule
   * scores highest (learnability, reducible loss). Defaults to `top-score` for the score rules.
   */
  selection: LoopSelection;
  /**
   * `family`: the score rules keep every family's share of the mix and of each round's training samples equal,
   * ranking only within a family. `none`: scores compete across families.
   */
  balance: 'none' | 'family';
  /**
   * The question families the loop proposes and trains on (its mix cells; static mode's fixed set too), in
   * FAMILIES order. The held-out benchmark keeps every family, so runs that differ here are scored on the same
   * questions and a left-out family's score shows what the others transfer to it. Default: every family.
   */
  families: Family[];
  /**
   * The irreducible-loss model for `reducible-loss`: a checkpoint trained once on a separate slice of the
   * target domain (RHO-LOSS). 0: none (required by that rule).
   */
  referenceCheckpoint: number;
  /**
   * Label words a freshly initialised model's vocabulary knows beyond its scenes' labels: a base model made for
   * a target domain knows that domain's category names, as a language model knows the words, without seeing
   * its scenes.
   */
  extraLabels: string[];
  /** static mode: accepted QA in the fixed set. */
  staticSamples: number;
  /** Held-out benchmark: questions per family (fixed, seeded, stored once per scene set). */
  benchmarkPerFamily: number;
  model: ModelPreset;
  executionProvider: 'cuda' | 'cpu';
  /**
   * onnxruntime intra-op threads of the solver's training session; 0 is the solver's default, one per core (at
   * most 16). Speed only: every count gives the same numbers (solver/onnx/kBlocks.ts). Answering runs on inference
   * lanes, one thread each.
   */
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
  /**
   * Answer with a model behind an OpenAI-compatible endpoint instead of the built-in solver (solve and evaluate
   * go through it; the built-in model is not trained). null: the built-in solver.
   */
  endpoint: EndpointConfig | null;
  /**
   * With an endpoint: the command that fine-tunes the model on a round's samples, run after the round's selection
   * with {dataset} (the exported LLaMA-Factory dataset folder), {round} and {output} filled in. Its output goes to
   * the run's log; a non-zero exit fails the round (resumable). Rounds after it ask `endpoint.model` with {round}
   * filled by the number of training rounds done, so the trainer serves each new model under a new name.
   * null: the endpoint's model stays as it is (the loop still steers what it is asked).
   */
  trainerCommand: string | null;
  /**
   * With an endpoint and no trainer command: after each round's selection is exported, the run pauses "awaiting
   * model" until the next round's model is registered (`npm run loop -- --resume RUN --endpoint-model NAME`, or
   * the workbench's run view); the rounds after it ask that model. false: the endpoint's model stays as it is.
   */
  awaitModel: boolean;
  /**
   * A language model behind an OpenAI-compatible endpoint that writes questions and their programs for `share`
   * of each round's proposal requests (the programmatic proposer drafts the rest); its drafts go through the same
   * sandbox and filters. null: every draft is programmatic.
   */
  proposer: ProposerConfig | null;
}

/** The generative proposer: which model, and what share of each round's proposal requests it drafts. */
export interface ProposerConfig {
  /** Share of each round's requested drafts, in (0, 1]; a share of 0 resolves to `proposer: null`. */
  share: number;
  llm: ProposerModelConfig;
}

/** A text model behind an OpenAI-compatible chat-completions endpoint, as the proposer asks it. */
export interface ProposerModelConfig {
  /** API base URL ending in /v1, e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama). */
  baseUrl: string;
  /** The model name the server knows. Responses are cached by name: a different model needs a different name. */
  model: string;
  /** Environment variable holding the API key; unset means no key (local servers accept any). */
  apiKeyEnv: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Per request, including the model's generation. */
  timeoutMs: number;
  /** Retries on 408/409/429/5xx and dropped connections, with backoff honouring Retry-After. */
  maxRetries: number;
  /** Sampling temperature; 0 (greedy) so a run can be reproduced. */
  temperature: number;
  /** Most tokens one answer (question, options, program) may take. */
  maxTokens: number;
}

/** What the proposer model's settings default to. */
export const DEFAULT_PROPOSER_MODEL: Omit<ProposerModelConfig, 'baseUrl' | 'model'> = Object.freeze({
  apiKeyEnv: 'OPENAI_API_KEY',
  concurrency: 4,
  timeoutMs: 120_000,
  maxRetries: 4,
  temperature: 0,
  maxTokens: 1024,
});

/** The generative proposer as a user gives it: the share, where and which model; the rest has defaults. */
export interface ProposerConfigInput {
  share: number;
  llm: Pick<ProposerModelConfig, 'baseUrl' | 'model'> & Partial<ProposerModelConfig>;
}

/**
 * A model behind an OpenAI-compatible chat-completions endpoint (vLLM, SGLang, LMDeploy, TGI, llama.cpp's server,
 * Ollama, or `npm run serve`'s own /v1). Stored with a run, so it names the environment variable holding the API
 * key, never the key.
 */
export interface EndpointConfig {
  /** API base URL ending in /v1, e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama). */
  baseUrl: string;
  /**
   * The model name the server knows (vLLM's --served-model-name); `{round}` is replaced by the number of training
   * rounds done. Answers are cached by name: a retrained model needs a new one.
   */
  model: string;
  /** Environment variable holding the API key; unset means no key (local servers accept any). */
  apiKeyEnv: string;
  /** Frames per question, sampled uniformly along the scene's trajectory, as VSI-Bench samples its videos. */
  frames: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Per request, including the model's generation. */
  timeoutMs: number;
  /** Retries on 408/409/429/5xx and dropped connections, with backoff honouring Retry-After. */
  maxRetries: number;
  /** Alternatives per answer position (OpenAI allows up to 20; vLLM more): where the ground truth's probability is read. */
  topLogprobs: number;
}

/** What an endpoint's settings default to: the host fills them in (solver/external/endpoint.ts), the start-run form shows them. */
export const DEFAULT_ENDPOINT: Omit<EndpointConfig, 'baseUrl' | 'model'> = Object.freeze({
  apiKeyEnv: 'OPENAI_API_KEY',
  frames: 16,
  concurrency: 4,
  timeoutMs: 120_000,
  maxRetries: 4,
  topLogprobs: 20,
});

/** An endpoint as a user gives it: where and which model; the rest has defaults (DEFAULT_ENDPOINT). */
export type EndpointConfigInput = Pick<EndpointConfig, 'baseUrl' | 'model'> & Partial<EndpointConfig>;

export type LoopConfigInput = Partial<Omit<LoopConfig, 'endpoint' | 'proposer'>> & { endpoint?: EndpointConfigInput | null; proposer?: ProposerConfigInput | null };

export interface FamilyScoreRow {
  family: Family | string;
  score: number;
  n: number;
}

export interface HeldoutScore {
  overall: number;
  families: FamilyScoreRow[];
  /**
   * 95% bootstrap interval of `overall` over the benchmark's questions (resampled within each family): how
   * much of a difference between two scores the benchmark's size can resolve. Absent for runs scored before
   * intervals were recorded.
   */
  interval?: { lo: number; hi: number };
}

/** A round's outcome as the per-round table shows it. */
export interface RoundSummary {
  round: number;
  counts: RoundCounts;
  /** Accepted samples trained on in this round, and in the run so far. */
  trainedSamples: number;
  samplesSeen: number;
  meanLoss: number | null;
  heldout: HeldoutScore | null;
  ms: number;
  /** The round's drafts per proposer ('programmatic', 'llm'): how many each proposed and had accepted, and why the rest failed. */
  proposers?: ProposerRoundStats[];
}

/** One proposer's drafts in one round. */
export interface ProposerRoundStats {
  proposer: string;
  proposed: number;
  accepted: number;
  /** Rejections by the first failing filter (`response`, `duplicate`, `program`, `agreement`, …). */
  rejectedBy: Record<string, number>;
  /** The most frequent rejection reasons, most frequent first (at most 5). */
  reasons: { filter: string; reason: string; n: number }[];
}

export type LoopEvent =
  | { type: 'run'; runId: string; status: RunStatus; message?: string }
  | { type: 'stage'; runId: string; round: number; stage: LoopStage; phase: 'start' | 'end'; ms?: number; detail?: string }
  | { type: 'progress'; runId: string; round: number; stage: LoopStage; done: number; total: number; unit: string; perSecond?: number }
  | { type: 'round'; runId: string; summary: RoundSummary }
  | { type: 'log'; runId: string; level: 'info' | 'warn' | 'error'; message: string };
